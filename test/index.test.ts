import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bosun from '../index.ts';

/** What a role author imports from 'bosun' besides the resources: the documented set (docs/authoring.md). */
const AUTHORING = {
  playbooks: ['definePlaybook', 'role', 'handler', 'hostText'],
  secrets: ['secret', 'secretText', 'Secret'],
  errors: ['ValidationError', 'BosunError'],
  validation: ['text', 'oneLine', 'absolutePath', 'fileMode', 'oneOf', 'bool', 'wholeNumber', 'stringList', 'keysOf', 'knownKeys'],
};

describe("index: the public surface ('bosun')", () => {
  const guide = readFileSync(join(import.meta.dirname, '..', 'docs', 'authoring.md'), 'utf8');

  it('exports what a role author needs, each a function or a class', () => {
    for (const name of Object.values(AUTHORING).flat()) {
      expect(typeof (bosun as Record<string, unknown>)[name], name).to.equal('function');
    }
  });

  it('docs/authoring.md documents every validation helper it exports', () => {
    for (const name of AUTHORING.validation) expect(guide, name).to.contain(`\`${name}`);
  });

  it('the validation helpers refuse what they say, naming the field', () => {
    expect(() => bosun.wholeNumber(1.5, 'role.count')).to.throw(bosun.ValidationError, /^role\.count: must be a whole number >= 0/);
    expect(() => bosun.oneLine('a\nb', 'role.line')).to.throw(bosun.ValidationError, /^role\.line: must be a single line/);
    expect(() => bosun.knownKeys({ colour: 1 }, bosun.keysOf<{ color?: number }>({ color: true }), 'role')).to.throw(
      bosun.ValidationError,
      /^role\.colour: is not a known parameter \(known: color\)/,
    );
    expect(bosun.absolutePath('/etc/x', 'role.path')).to.equal('/etc/x');
  });
});
