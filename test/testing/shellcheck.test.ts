import { expect } from 'chai';
import { file, role } from '../../index.ts';
import { compileRole, renderChecked, shellcheck } from '../../testing/index.ts';
import { withEnv } from '../support/env.ts';
import { refusingShellcheck } from '../support/refusing-shellcheck.ts';

describe('testing/shellcheck: every script a test runs passes shellcheck -s sh', () => {
  it("passes a rendered plan's script and returns it", () => {
    const rendered = renderChecked(compileRole(role({ name: 'r', resources: [file({ path: '/etc/motd', content: "it's $HOME\n" })] })));
    expect(rendered.script).to.contain('/etc/motd');
  });

  it('refuses a script with a finding, with shellcheck’s report and whose script it was', () => {
    expect(() => shellcheck('#!/bin/sh\necho $1\n', 'web1')).to.throw(/shellcheck -s sh refused the script of web1[\s\S]*SC2086/);
  });

  it('a shellcheck that exits before reading the whole script has refused it, in its own words', async () => {
    // The stand-in reads nothing and fails: a script larger than a pipe holds always meets a
    // closed pipe (EPIPE), which is the answer of the program, not a failure to run it.
    const refusing = await refusingShellcheck();
    try {
      const script = `#!/bin/sh\n${': long line\n'.repeat(100_000)}`;
      await withEnv({ PATH: refusing.path }, async () => {
        expect(() => shellcheck(script, 'web1')).to.throw(
          /^shellcheck -s sh refused the script of web1 \(exit 1\):\nit exited before reading the whole script\n$/,
        );
      });
    } finally {
      await refusing.dispose();
    }
  });
});
