import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ResourceDocs, resourceDocs } from '../../scripts/resource-docs.ts';
import { patience } from '../support/patience.ts';

describe('resource docs', function () {
  // ts-morph builds a program of compiler/ with type information: seconds on a busy machine.
  this.timeout(patience(180_000));
  const root = resolve('.');
  let docs: ResourceDocs;
  before(() => {
    docs = resourceDocs(root);
  });

  it('docs/resources matches the JSDoc of every resource, and holds nothing else (run npm run docs after changing a resource)', () => {
    const onDisk = readdirSync(join(root, 'docs', 'resources')).sort();
    expect(onDisk).to.deep.equal([...docs.files.keys()].sort());
    for (const [name, text] of docs.files) {
      expect(readFileSync(join(root, 'docs', 'resources', name), 'utf8'), name).to.equal(text);
    }
  });

  it('documents every resource the compiler knows, found by what its builder returns (no list to keep)', () => {
    expect(docs.resourceTypes.length).to.be.greaterThan(10);
    expect(docs.documentedTypes).to.deep.equal(docs.resourceTypes);
  });

  it('a page holds the parameters with their types, whether required, defaults and meanings, and the types they use', () => {
    const block = docs.files.get('block.md')!;
    expect(block).to.contain("import { block } from 'bosun';");
    expect(block).to.contain('| `path` | `AbsolutePath` | yes |  | The file to edit. |');
    expect(block).to.contain('| `create` | `boolean` | no | false | Create the file when missing (default false). |');
    expect(block).to.contain('Not together: `insertAfter`, `insertBefore`.');
    expect(block).to.contain('## `BlockAbsentProps`');
    expect(block).to.contain('type AbsolutePath = `/${string}`;');
    expect(docs.files.get('command.md')).to.contain('Not together: `argv`, `script`.');
    expect(docs.files.get('README.md')).to.contain('| [`file`](file.md) |');
  });
});
