import { expect } from 'chai';
import { sudoProblem } from '../../runner/sudo-problem.ts';

describe('runner/sudo-problem', () => {
  it("puts sudo's refusals in words that say what to do", () => {
    expect(sudoProblem('sudo: a password is required\n')).to.match(/none was given \(use --ask-become-pass\)/);
    expect(sudoProblem('sudo: a terminal is required to read the password\n')).to.match(/none was given/);
    expect(sudoProblem('Sorry, try again.\nsudo: 3 incorrect password attempts\n')).to.equal('sudo refused the become password');
    expect(sudoProblem('alice is not in the sudoers file.\n')).to.equal('sudo refused: alice is not in the sudoers file.');
  });

  it('says nothing of stderr that is not a refusal', () => {
    expect(sudoProblem('')).to.equal(undefined);
    expect(sudoProblem('sh: 1: frobnicate: not found\n')).to.equal(undefined);
  });
});
