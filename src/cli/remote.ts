/**
 * What every remote command shares: a client for the resolved URL and key (profile.ts), and API
 * errors turned into one readable line with exit code 1 instead of a stack trace.
 */
import type { Command } from 'commander';
import { LongrunApiError, LongrunClient } from '../client/index.ts';
import { EXIT } from './exit-codes.ts';
import { ProfileError, resolveConnection } from './profile.ts';

export function client(cmd: Command): LongrunClient {
  const flags = cmd.optsWithGlobals() as { url?: string; key?: string };
  let conn: ReturnType<typeof resolveConnection>;
  try {
    conn = resolveConnection(flags);
  } catch (err) {
    if (err instanceof ProfileError) return cmd.error(`error: ${err.message}`, { exitCode: EXIT.usage });
    throw err;
  }
  if (!conn.key)
    cmd.error(`error: an API key for ${conn.url} is required: --key, LONGRUN_KEY or longrun login`, {
      exitCode: EXIT.usage,
    });
  return new LongrunClient({ url: conn.url, key: conn.key });
}

export function describeApiError(err: LongrunApiError): string {
  const details = Array.isArray(err.details)
    ? err.details.map((d) => {
        const { path, message } = d as { path?: string; message?: string };
        return `\n  - ${path ?? ''} ${message ?? ''}`;
      })
    : [];
  return `error: ${err.code}: ${err.message}${details.join('')}`;
}

export function run<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (!(err instanceof LongrunApiError)) throw err;
      console.error(describeApiError(err));
      process.exitCode = EXIT.failed;
    }
  };
}
