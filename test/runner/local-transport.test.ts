import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { secret } from '../../compiler/secret.ts';
import { LocalTransport } from '../../runner/local-transport.ts';
import type { RunRequest } from '../../runner/transport.ts';
import { until } from '../support/bosun-child.ts';
import { patience } from '../support/patience.ts';

async function run(script: string, extra: Partial<RunRequest> = {}) {
  const lines: string[] = [];
  let stderr = '';
  const outcome = await new LocalTransport().run({
    script,
    mode: 'check',
    onLine: (line) => lines.push(line),
    onStderr: (text) => (stderr += text),
    ...extra,
  });
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
    for (const [i, line] of lines.entries()) expect(line).to.equal(`${i}😀é中`);
  });

  it('a cancelled session ends at once, with what the script runs, and says so', async () => {
    // Cancelled once the script has started its sleep (it prints the sleep's pid), not after a set time.
    const abort = new AbortController();
    const lines: string[] = [];
    const outcome = await new LocalTransport().run({
      script: 'sleep 30 & echo "$!"; wait; echo never',
      mode: 'check',
      signal: abort.signal,
      onLine: (line) => {
        lines.push(line);
        abort.abort();
      },
    });
    // Not timed: a session left to run would print "never" (after 30 s, inside the test's timeout).
    expect(lines).to.have.length(1);
    expect(outcome.exitCode).to.equal(undefined);
    expect(outcome.unreachable).to.equal(false);
    expect(outcome.reason).to.match(/cancelled/);
    // Gone, or dead and waiting for init to reap it (state Z); the signal may take a moment to land.
    const state = (): Promise<string> =>
      readFile(`/proc/${lines[0]}/stat`, 'utf8').then(
        (stat) => stat.split(') ')[1]!.charAt(0),
        () => 'gone',
      );
    await until("the script's sleep has ended", async () => ['gone', 'Z'].includes(await state()), patience(5_000));
  });
});

describe('runner/local-transport with become (sudo, run here as root) @integration', () => {
  const script = 'echo "user=$(id -un) mode=$1"; read -r next || true; echo "stdin after the script: [$next]"\n';

  async function runAs(transport: LocalTransport) {
    const lines: string[] = [];
    let stderr = '';
    const outcome = await transport.run({
      script,
      mode: 'apply',
      onLine: (line) => lines.push(line),
      onStderr: (text) => (stderr += text),
    });
    return { outcome, lines, stderr };
  }

  it('runs the script under sudo -n as the become user', async () => {
    const { outcome, lines } = await runAs(new LocalTransport({ become: { enabled: true, user: 'nobody' } }));
    expect(outcome.exitCode, outcome.stderr).to.equal(0);
    expect(lines).to.deep.equal(['user=nobody mode=apply', 'stdin after the script: []']);
  });

  it('with a become password, sends it on stdin ahead of the script and never runs or prints it', async () => {
    // Root's sudo reads no password: the preamble reader must still skip it.
    const becomePassword = secret('$(touch /tmp/bosun-leak) s3cret');
    const { outcome, lines, stderr } = await runAs(new LocalTransport({ become: { enabled: true, user: 'nobody' }, becomePassword }));
    expect(outcome.exitCode, outcome.stderr).to.equal(0);
    expect(lines).to.deep.equal(['user=nobody mode=apply', 'stdin after the script: []']);
    expect(lines.join('\n') + stderr).not.to.contain('s3cret');
    expect(existsSync('/tmp/bosun-leak')).to.equal(false);
  });

  it("an unknown become user fails before any step ran, in sudo's words", async () => {
    const { outcome, lines } = await runAs(new LocalTransport({ become: { enabled: true, user: 'bosun-no-such-user' } }));
    expect(lines).to.deep.equal([]);
    expect(outcome.exitCode).to.not.equal(0);
    expect(outcome.stderr).to.match(/unknown user/);
  });
});
