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
