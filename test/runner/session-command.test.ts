import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Become } from '../../compiler/host.ts';
import type { Mode } from '../../compiler/plan.ts';
import { BECOME_MARKER, SMALL_SCRIPT_BYTES, becomePreamble, framedScript, sessionCommand } from '../../runner/session-command.ts';
import { file } from '../../index.ts';
import { planOf, tempDir } from '../support/plan-harness.ts';
import { processesWhoseArgvContains } from '../support/processes.ts';
import { renderChecked } from '../../testing/shellcheck.ts';
import { listTree } from '../../testing/tree.ts';
import { patience } from '../support/patience.ts';

/**
 * Runs a session command line here, as the local transport does: in a process group of its own,
 * with `input` on stdin, which stays open until the session ends (closing it ends the run).
 */
async function run(command: string, input: string, options: { env?: Record<string, string> } = {}) {
  const child = execa('sh', ['-c', command], {
    reject: false,
    detached: true,
    ...(options.env && { env: options.env, extendEnv: false }),
  });
  child.stdin?.write(input);
  const result = await child;
  return result;
}

/** The session of `script` (after `preamble` on stdin), as a transport runs it. */
function session(
  script: string,
  mode: Mode,
  become?: Become,
  options: { password?: string; limit?: number; env?: Record<string, string> } = {},
) {
  const framed = framedScript(script);
  const command = sessionCommand(mode, become, options.password !== undefined, framed, options.limit).text;
  const preamble = options.password === undefined ? '' : becomePreamble(options.password);
  return run(command, preamble + framed.input, options.env ? { env: options.env } : {});
}

// These run with this machine's real sudo: the tests run as root, for whom sudo asks nothing.
describe('runner/session-command', function () {
  this.timeout(patience(30_000));

  it('runs the script as sh -s MODE watch; with become, under sudo, as another user with become.user @integration', async () => {
    const script = 'echo "$1 $2 $(id -un)"\n';
    expect((await session(script, 'check')).stdout).to.equal('check watch root');
    expect((await session(script, 'apply', { enabled: false })).stdout).to.equal('apply watch root');
    expect((await session(script, 'apply', { enabled: true, user: 'nobody' })).stdout).to.equal('apply watch nobody');
    // A user name reaches sudo as it is, quotes and all: sudo itself names it.
    const odd = await session(script, 'check', { enabled: true, user: "o'brien" });
    expect(odd.stderr).to.match(/unknown user:? o'brien/);
  });

  it('with a password, sudo reads it on stdin (sudo -S, empty prompt); the command line never carries it', () => {
    const command = sessionCommand('apply', { enabled: true }, true, framedScript('true')).text;
    expect(command).to.match(/sudo -S -p /);
    expect(command).not.to.contain('alice-pw');
    expect(becomePreamble('alice-pw')).to.equal(`alice-pw\n${BECOME_MARKER}\n${BECOME_MARKER}\n${BECOME_MARKER}\n`);
  });

  it('never runs the password line, whether sudo read it or not @integration', async () => {
    // Root's sudo reads no password: the line stays on stdin for the skipping reader.
    const result = await session('echo "ran $1"\n', 'check', { enabled: true }, { password: 'echo LEAKED' });
    expect(result.stdout).to.equal('ran check');
  });

  it('runs nothing of a script cut short in transit, wherever the cut falls', async () => {
    const { dir, dispose } = await tempDir();
    try {
      const { script } = renderChecked(planOf([file({ path: `${dir}/a`, content: 'a' }), file({ path: `${dir}/b`, content: 'b' })]));
      const framed = framedScript(script);
      const command = sessionCommand('apply', undefined, false, framed).text;
      for (const cut of [0, framed.input.length - 3, Math.floor(framed.input.length / 2), framed.input.indexOf('# 1: ')]) {
        // The connection is lost: stdin ends there.
        const result = await execa('sh', ['-c', command], { input: framed.input.slice(0, cut), reject: false, detached: true });
        expect(result.stdout, `cut at ${cut}`).to.equal('');
        expect(result.stderr, `cut at ${cut}`).to.contain('the script arrived incomplete');
        expect(result.exitCode).to.equal(65);
        expect(await listTree(dir)).to.have.length(1);
      }
      const whole = await run(command, framed.input);
      expect(whole.stdout).to.contain('@@bosun {"t":"end"}');
      expect(await listTree(dir)).to.have.length(3);
    } finally {
      await dispose();
    }
  });

  it('runs a large script in a fresh shell that holds one step at a time, not the script', async () => {
    const filler = Array.from({ length: 80_000 }, (_, i) => `: 'step ${i} ${'-'.repeat(80)}'\n`).join('');
    expect(filler.length).to.be.above(4 * SMALL_SCRIPT_BYTES);
    const script = `echo "$1 $2"\n${filler}sed -n 's/^VmRSS:[[:space:]]*\\([0-9]*\\) kB$/\\1/p' /proc/$$/status\n`;
    const result = await session(script, 'check');
    const [modes, rss] = result.stdout.split('\n');
    expect(modes).to.equal('check watch');
    // The script is 8 MB; the shell that ran it kept a few of them at most.
    expect(Number(rss), result.stderr).to.be.below(filler.length / 1024 / 2);
  });

  it('refuses a password with a newline (it would end the password line early)', () => {
    expect(() => becomePreamble('a\nb')).to.throw(/newline/);
  });

  describe('with a time limit', () => {
    it('ends the script and everything it started when the limit passes (exit 124) @integration', async () => {
      for (const become of [undefined, { enabled: true }]) {
        const result = await session('echo "started $1"; sleep 37; echo never\n', 'apply', become, { limit: 1 });
        expect(result.stdout).to.equal('started apply');
        expect(result.exitCode).to.equal(124);
        expect(await processesWhoseArgvContains('sleep\x0037\x00')).to.deep.equal([]);
      }
    });

    it('keeps the limit behind the become password preamble @integration', async () => {
      const result = await session('echo "started $1"; sleep 38; echo never\n', 'check', { enabled: true }, { password: 'pw', limit: 1 });
      expect(result.stdout).to.equal('started check');
      expect(result.exitCode).to.equal(124);
    });

    it('runs without a limit on a host that has no timeout command', async () => {
      const bin = await mkdtemp(join(tmpdir(), 'bosun-no-timeout-'));
      try {
        // Every other tool the session uses, but no timeout.
        for (const tool of ['sh', 'head', 'cat']) await symlink(`/bin/${tool}`, join(bin, tool));
        const result = await session('echo "ran $1"\n', 'check', undefined, { limit: 1, env: { PATH: bin } });
        expect(result.stdout).to.equal('ran check');
        expect(result.exitCode).to.equal(0);
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    });

    it('refuses a limit that is not a whole number of seconds', () => {
      expect(() => sessionCommand('check', undefined, false, framedScript('true'), 1.5)).to.throw(/whole number of seconds/);
      expect(() => sessionCommand('check', undefined, false, framedScript('true'), 0)).to.throw(/whole number of seconds/);
    });
  });
});
