import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { LocalTransport } from '../../runner/local-transport.ts';
import type { RunRequest } from '../../runner/transport.ts';

async function run(script: string, extra: Partial<RunRequest> = {}) {
  const lines: string[] = [];
  let stderr = '';
  const outcome = await new LocalTransport().run({ script, mode: 'check', onLine: (line) => lines.push(line), onStderr: (text) => (stderr += text), ...extra });
  return { outcome, lines, stderr };
}

describe('runner/local-transport', () => {
  it('feeds the script to sh -s MODE and reports stdout line by line, stderr and the exit code', async () => {
    const { outcome, lines, stderr } = await run('echo "mode=$1"; echo one; echo err >&2; printf "no newline"; exit 3');
    expect(lines).to.deep.equal(['mode=check', 'one', 'no newline']);
    expect(stderr).to.equal('err\n');
    expect(outcome).to.deep.equal({ exitCode: 3, unreachable: false, stderr: 'err\n' });
  });

  it('keeps lines whole across pipe chunks, multi-byte characters included', async () => {
    const { lines } = await run(`i=0; while [ $i -lt 3000 ]; do printf '%s😀é中\\n' "$i"; i=$((i + 1)); done`);
    expect(lines).to.have.length(3000);
    lines.forEach((line, i) => expect(line).to.equal(`${i}😀é中`));
  });

  it('a cancelled session ends at once, with what the script runs, and says so', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const started = Date.now();
    const { outcome, lines } = await run('sleep 30 & echo "$!"; wait; echo never', { signal: abort.signal });
    expect(Date.now() - started).to.be.below(5_000);
    expect(lines).to.have.length(1);
    expect(outcome.exitCode).to.equal(undefined);
    expect(outcome.unreachable).to.equal(false);
    expect(outcome.reason).to.match(/cancelled/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Gone, or dead and waiting for init to reap it (state Z).
    const state = await readFile(`/proc/${lines[0]}/stat`, 'utf8').then((stat) => stat.split(') ')[1]![0], () => 'gone');
    expect(state, "the script's sleep is still running").to.be.oneOf(['gone', 'Z']);
  });
});
