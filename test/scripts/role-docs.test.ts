import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { roleDocs } from '../../scripts/role-docs.ts';

describe('role docs', () => {
  it('docs/roles matches the JSDoc of every role (run npm run docs after changing a role)', () => {
    const root = resolve('.');
    const docs = roleDocs(root);
    expect(docs.size).to.be.greaterThan(0);
    for (const [name, text] of docs) {
      expect(readFileSync(join(root, 'docs', 'roles', name), 'utf8'), name).to.equal(text);
    }
  });
});
