import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BECOME_MARKER, becomePreamble, sessionCommand } from '../../runner/session-command.ts';
import { processesWhoseArgvContains } from '../support/processes.ts';

describe('runner/session-command', () => {
  it('runs sh -s MODE, under sudo -n with become, as another user with become.user', () => {
    expect(sessionCommand('check', undefined, false).text).to.equal('sh -s check');
    expect(sessionCommand('apply', { enabled: false }, false).text).to.equal('sh -s apply');
    expect(sessionCommand('apply', { enabled: true }, false).text).to.equal('sudo -n sh -s apply');
    expect(sessionCommand('check', { enabled: true, user: "o'brien" }, false).text).to.equal(`sudo -n -u 'o'\\''brien' sh -s check`);
  });

  it('with a password, reads it on stdin (sudo -S, empty prompt) and never carries it', () => {
    const command = sessionCommand('apply', { enabled: true }, true).text;
    expect(command).to.match(/^sudo -S -p '' sh -c /);
    expect(command).not.to.contain('alice-pw');
    expect(becomePreamble('alice-pw')).to.equal(`alice-pw\n${BECOME_MARKER}\n${BECOME_MARKER}\n${BECOME_MARKER}\n`);
  });

  it('skips the preamble whether sudo read the password or not (run here with plain sh)', async () => {
    const command = sessionCommand('check', { enabled: true }, true).text.replace(/^sudo -S -p '' /, '');
    for (const consumedBySudo of [false, true]) {
      const preamble = becomePreamble('echo LEAKED');
      const input = `${consumedBySudo ? preamble.slice(preamble.indexOf('\n') + 1) : preamble}echo "ran $1"\n`;
      const result = await execa('sh', ['-c', command], { input });
      expect(result.stdout).to.equal('ran check');
    }
  });

  it('refuses a password with a newline (it would end the password line early)', () => {
    expect(() => becomePreamble('a\nb')).to.throw(/newline/);
  });
});

describe('runner/session-command with a time limit (run here with plain sh)', function () {
  this.timeout(30_000);

  it('ends the script and everything it started when the limit passes (exit 124)', async () => {
    for (const become of [undefined, { enabled: true }]) {
      const command = sessionCommand('apply', become, false, 1).text;
      const started = Date.now();
      const result = await execa('sh', ['-c', command], { input: 'echo "started $1"; sleep 37; echo never\n', reject: false });
      expect(Date.now() - started).to.be.below(4_000);
      expect(result.stdout).to.equal('started apply');
      expect(result.exitCode).to.equal(124);
      expect(await processesWhoseArgvContains('sleep\x0037\x00')).to.deep.equal([]);
    }
  });

  it('keeps the limit behind the become password preamble', async () => {
    const command = sessionCommand('check', { enabled: true }, true, 1).text.replace(/^sudo -S -p '' /, '');
    const result = await execa('sh', ['-c', command], {
      input: `${becomePreamble('pw')}echo "started $1"; sleep 38; echo never\n`,
      reject: false,
    });
    expect(result.stdout).to.equal('started check');
    expect(result.exitCode).to.equal(124);
  });

  it('runs without a limit on a host that has no timeout command', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'bosun-no-timeout-'));
    try {
      await symlink('/bin/sh', join(bin, 'sh'));
      const command = sessionCommand('check', undefined, false, 1).text;
      const result = await execa('/bin/sh', ['-c', command], {
        input: 'echo "ran $1"\n',
        env: { PATH: bin },
        extendEnv: false,
        reject: false,
      });
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
