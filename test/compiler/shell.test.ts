import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { ValidationError } from '../../compiler/errors.ts';
import { secret } from '../../compiler/secret.ts';
import { code, join, lines, sh } from '../../compiler/shell.ts';

describe('compiler/shell: the sh tagged template', () => {
  it('quotes every interpolated value and splices code as code', () => {
    const path = "/tmp/it's here";
    const piece = sh`test -f ${path}`;
    expect(piece.text).to.equal(`test -f '/tmp/it'\\''s here'`);
    expect(sh`if ${piece}; then :; fi`.text).to.equal(`if test -f '/tmp/it'\\''s here'; then :; fi`);
    expect(sh`x ${code('$HOME')}`.text).to.equal('x $HOME');
    expect(sh`n=${42}`.text).to.equal('n=42');
  });

  it('turns an array into separate quoted words', () => {
    const words = ['printf', '%s\\n', 'a b', '', '$x'];
    const piece = sh`${words}`;
    expect(piece.text).to.equal(`printf '%s\\n' 'a b' '' '$x'`);
    const result = spawnSync('sh', ['-c', piece.text], { encoding: 'utf8' });
    expect(result.stdout).to.equal('a b\n\n$x\n');
  });

  it('carries secrets through nesting, joining and lines, and quotes them', () => {
    const inner = sh`printf %s ${secret("pa$$ 'word")}`;
    const outer = lines(sh`echo start`, join([inner, sh`echo ${secret('two')}`], ' && '), undefined);
    // Each secret as it is, and as the script quotes it (a quoted value with a ' is not the value itself).
    expect(outer.secrets).to.deep.equal(["pa$$ 'word", `'pa$$ '\\''word'`, 'two']);
    expect(outer.text).to.contain(`'pa$$ '\\''word'`);
    expect(outer.text.split('\n')).to.have.length(2);
  });

  it('refuses NUL in any interpolated value or secret', () => {
    expect(() => sh`echo ${'a\0'}`).to.throw(ValidationError, /NUL/);
    expect(() => sh`echo ${secret('a\0')}`).to.throw(ValidationError, /secret: .*NUL/);
    expect(() => sh`echo ${['ok', 'b\0']}`).to.throw(ValidationError, /NUL/);
  });
});
