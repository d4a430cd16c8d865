import { createInterface } from 'node:readline';

/** Asks once for a secret on the terminal without echoing it. */
export async function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  const output = process.stderr;
  output.write(question);
  const rl = createInterface({ input, terminal: input.isTTY === true });
  // Silence the echo of typed characters.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  try {
    return await new Promise<string>((resolve) => rl.once('line', resolve).once('close', () => resolve('')));
  } finally {
    rl.close();
    output.write('\n');
  }
}

/** Questions asked on a terminal, answered one line each. */
export interface Questions {
  ask(question: string): Promise<string>;
  close(): void;
}

/**
 * Asks on the terminal (questions on stderr, answers from stdin), with one reader for
 * all the questions: a reader per question could swallow answers typed ahead.
 */
export function terminalQuestions(): Questions {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
  let closed = false;
  rl.once('close', () => {
    closed = true;
  });
  return {
    ask: (question) =>
      closed
        ? Promise.resolve('')
        : new Promise<string>((resolve) => {
            const onClose = (): void => resolve('');
            rl.once('close', onClose);
            rl.question(question, (answer) => {
              rl.off('close', onClose);
              resolve(answer);
            });
          }),
    close: () => rl.close(),
  };
}
