/** Checks of command-line values shared by the commands; a bad value is a usage error (exit 2). */
import type { Command } from 'commander';
import { EXIT } from './exit-codes.ts';

/** A flag's value from a fixed list; anything else ends the command as a usage error. */
export function oneOf<T extends string>(
  cmd: Command,
  flag: string,
  values: readonly T[],
  raw: string | undefined,
): T | undefined {
  if (raw === undefined || (values as readonly string[]).includes(raw)) return raw as T | undefined;
  return cmd.error(`error: ${flag} must be one of ${values.join(', ')}`, { exitCode: EXIT.usage });
}
