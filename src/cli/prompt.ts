/**
 * A yes/no question on the terminal. Ctrl-C at the prompt answers `interrupt` (readline holds the
 * terminal in raw mode, so no SIGINT reaches the process); Ctrl-D answers `no`.
 */
import { createInterface } from 'node:readline';

export type Answer = 'yes' | 'no' | 'interrupt' | 'closed';

export interface Question {
  answer: Promise<Answer>;
  /** Withdraws the question (the answer is `closed`), e.g. because what it asked about is over. */
  close(): void;
}

export function ask(
  text: string,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } = {
    input: process.stdin,
    output: process.stdout,
  },
): Question {
  const rl = createInterface({ input: io.input, output: io.output, terminal: true });
  let settled = false;
  let resolve: (a: Answer) => void = () => {};
  const answer = new Promise<Answer>((r) => {
    resolve = r;
  });
  const finish = (a: Answer, newline: boolean) => {
    if (settled) return;
    settled = true;
    if (newline) io.output.write('\n');
    resolve(a);
    rl.close();
  };
  rl.on('SIGINT', () => finish('interrupt', true));
  rl.on('close', () => finish('no', true));
  rl.question(text, (line) => finish(/^\s*y(es)?\s*$/i.test(line) ? 'yes' : 'no', false));
  return { answer, close: () => finish('closed', true) };
}
