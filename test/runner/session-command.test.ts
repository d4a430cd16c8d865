import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BECOME_MARKER, becomePreamble, sessionCommand } from '../../runner/session-command.ts';
import { processesWhoseArgvContains } from '../support/processes.ts';
import { patience } from '../support/patience.ts';

/** Runs a session command line here, as the local transport does, with `input` on stdin. */
function run(command: string, input: string, options: { env?: Record<string, string> } = {}) {
  return execa('sh', ['-c', command], {
    input,
    reject: false,
    ...(options.env && { env: options.env, extendEnv: false }),
  });
}

// These run with this machine's real sudo: the tests run as root, for whom sudo asks nothing.
describe('runner/session-command', function () {
  this.timeout(patience(30_000));

  it('runs the script as sh -s MODE watch; with become, under sudo, as another user with become.user @integration', async () => {
    const script = 'echo "$1 $2 $(id -un)"\n';
    expect((await run(sessionCommand('check', undefined, false).text, script)).stdout).to.equal('check watch root');
    expect((await run(sessionCommand('apply', { enabled: false }, false).text, script)).stdout).to.equal('apply watch root');
    expect((await run(sessionCommand('apply', { enabled: true, user: 'nobody' }, false).text, script)).stdout).to.equal(
      'apply watch nobody',
    );
    // A user name reaches sudo as it is, quotes and all: sudo itself names it.
    const odd = await run(sessionCommand('check', { enabled: true, user: "o'brien" }, false).text, script);
    expect(odd.stderr).to.match(/unknown user:? o'brien/);
  });

  it('with a password, sudo reads it on stdin (sudo -S, empty prompt); the command line never carries it', () => {
    const command = sessionCommand('apply', { enabled: true }, true).text;
    expect(command).to.match(/sudo -S -p /);
    expect(command).not.to.contain('alice-pw');
    expect(becomePreamble('alice-pw')).to.equal(`alice-pw\n${BECOME_MARKER}\n${BECOME_MARKER}\n${BECOME_MARKER}\n`);
  });

  it('never runs the password line, whether sudo read it or not @integration', async () => {
    // Root's sudo reads no password: the line stays on stdin for the skipping reader.
    const command = sessionCommand('check', { enabled: true }, true).text;
    const result = await run(command, `${becomePreamble('echo LEAKED')}echo "ran $1"\n`);
    expect(result.stdout).to.equal('ran check');
  });

  it('refuses a password with a newline (it would end the password line early)', () => {
    expect(() => becomePreamble('a\nb')).to.throw(/newline/);
  });

  describe('with a time limit', () => {
    it('ends the script and everything it started when the limit passes (exit 124) @integration', async () => {
      for (const become of [undefined, { enabled: true }]) {
        const command = sessionCommand('apply', become, false, 1).text;
        const result = await run(command, 'echo "started $1"; sleep 37; echo never\n');
        expect(result.stdout).to.equal('started apply');
        expect(result.exitCode).to.equal(124);
        expect(await processesWhoseArgvContains('sleep\x0037\x00')).to.deep.equal([]);
      }
    });

    it('keeps the limit behind the become password preamble @integration', async () => {
      const command = sessionCommand('check', { enabled: true }, true, 1).text;
      const result = await run(command, `${becomePreamble('pw')}echo "started $1"; sleep 38; echo never\n`);
      expect(result.stdout).to.equal('started check');
      expect(result.exitCode).to.equal(124);
    });

    it('runs without a limit on a host that has no timeout command', async () => {
      const bin = await mkdtemp(join(tmpdir(), 'bosun-no-timeout-'));
      try {
        await symlink('/bin/sh', join(bin, 'sh'));
        const result = await run(sessionCommand('check', undefined, false, 1).text, 'echo "ran $1"\n', { env: { PATH: bin } });
        expect(result.stdout).to.equal('ran check');
        expect(result.exitCode).to.equal(0);
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    });

    it('refuses a limit that is not a whole number of seconds', () => {
      expect(() => sessionCommand('check', undefined, false, 1.5)).to.throw(/whole number of seconds/);
      expect(() => sessionCommand('check', undefined, false, 0)).to.throw(/whole number of seconds/);
    });
  });
});
