import { expect } from 'chai';
import { execa } from 'execa';
import { BECOME_MARKER, becomePreamble, sessionCommand } from '../../runner/session-command.ts';

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
      const input = (consumedBySudo ? preamble.slice(preamble.indexOf('\n') + 1) : preamble) + 'echo "ran $1"\n';
      const result = await execa('sh', ['-c', command], { input });
      expect(result.stdout).to.equal('ran check');
    }
  });

  it('refuses a password with a newline (it would end the password line early)', () => {
    expect(() => becomePreamble('a\nb')).to.throw(/newline/);
  });
});
