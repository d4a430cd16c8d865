import { main } from '../../cli/main.ts';

/** What one `bosun` command, run in this process through cli/main.ts, printed and returned. */
export interface MainRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bosun ARGV…` in this process (no terminal) and collects its output. */
export async function bosunMain(...argv: string[]): Promise<MainRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: false,
  });
  return { code, stdout, stderr };
}
