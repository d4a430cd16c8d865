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
 * Asks on the terminal (questions on stderr, answers from stdin), with one reader for all
 * the questions, whose lines are queued: answers typed ahead are kept for the questions
 * they answer, never lost between two questions.
 */
export function terminalQuestions(): Questions {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let closed = false;
  rl.on('line', (line) => {
    const next = waiting.shift();
    if (next === undefined) lines.push(line);
    else next(line);
  });
  rl.once('close', () => {
    closed = true;
    for (const next of waiting.splice(0)) next('');
  });
  return {
    ask: (question) => {
      process.stderr.write(question);
      const line = lines.shift();
      if (line !== undefined) {
        process.stderr.write(`${line}\n`);
        return Promise.resolve(line);
      }
      return closed ? Promise.resolve('') : new Promise<string>((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}
