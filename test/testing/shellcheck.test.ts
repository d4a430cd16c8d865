import { expect } from 'chai';
import { file, role } from '../../index.ts';
import { compileRole, renderChecked, shellcheck } from '../../testing/index.ts';

describe('testing/shellcheck: every script a test runs passes shellcheck -s sh', () => {
  it("passes a rendered plan's script and returns it", () => {
    const rendered = renderChecked(compileRole(role({ name: 'r', resources: [file({ path: '/etc/motd', content: "it's $HOME\n" })] })));
    expect(rendered.script).to.contain('/etc/motd');
  });

  it('refuses a script with a finding, with shellcheck’s report and whose script it was', () => {
    expect(() => shellcheck('#!/bin/sh\necho $1\n', 'web1')).to.throw(/shellcheck -s sh refused the script of web1[\s\S]*SC2086/);
  });
});
