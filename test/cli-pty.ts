/**
 * Runs the CLI in a real pseudo-terminal through util-linux `script`, for the tests of what only a
 * terminal gets (bars redrawn in place, prompts, readable logs). Keys go in through `write`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { BIN, ROOT } from './cli-helpers.ts';
import { waitFor } from './helpers.ts';

export interface PtyRun {
  proc: ChildProcess;
  /** Everything the terminal received so far, escape sequences and all. */
  output(): string;
  write(keys: string): void;
  waitForOutput(what: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** The environment of a plain terminal: whatever colour settings the test run has are dropped. */
function terminalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return env;
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** `longrun …args` on a terminal `columns` wide; `env` adds to the environment. */
export function runInPty(args: string[], env: Record<string, string> = {}, columns = 200): PtyRun {
  const command = `stty cols ${columns} rows 40; exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const proc = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: { ...terminalEnv(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc,
    output: () => out,
    write: (keys) => proc.stdin?.write(keys),
    waitForOutput: async (what, timeoutMs = 20_000) => {
      const seen = () => (typeof what === 'string' ? out.includes(what) : what.test(out));
      await waitFor(String(what), seen, timeoutMs).catch((err: Error) => {
        throw new Error(`${err.message}\n--- the terminal so far:\n${out}`);
      });
    },
    exited,
  };
}
