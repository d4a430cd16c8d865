import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { type BlockProps, block } from '../../../index.ts';
import { ValidationError } from '../../../compiler/errors.ts';
import { type AbsolutePath, assertConverges, local, planOf, tempDir } from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';

describe('compiler/resources/block', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());
  const path = (): `/${string}` => `${dir}/hosts` as `/${string}`;
  const read = (): Promise<string> => readFile(path(), 'utf8');

  it('appends a marked block, then updates it in place', async () => {
    await writeFile(path(), '127.0.0.1 localhost\n');
    const runs = await assertConverges(planOf([block({ path: path(), block: '10.0.0.1 a\n10.0.0.2 b\n' })]), local, tree);
    expect(runs.check.steps[0]!.diff).to.contain('+# BEGIN BOSUN MANAGED BLOCK');
    expect(await read()).to.equal('127.0.0.1 localhost\n# BEGIN BOSUN MANAGED BLOCK\n10.0.0.1 a\n10.0.0.2 b\n# END BOSUN MANAGED BLOCK\n');
    await writeFile(path(), `${await read()}tail\n`);
    await assertConverges(planOf([block({ path: path(), block: '10.0.0.3 c' })]), local, tree);
    expect(await read()).to.equal('127.0.0.1 localhost\n# BEGIN BOSUN MANAGED BLOCK\n10.0.0.3 c\n# END BOSUN MANAGED BLOCK\ntail\n');
  });

  it('uses custom markers and insertBefore / insertAfter, and keeps blocks with different markers apart', async () => {
    await writeFile(path(), '[a]\nx=1\n[b]\ny=2\n');
    await assertConverges(
      planOf([
        block({ path: path(), block: 'first', marker: ';; {mark} one', insertBefore: '^\\[b\\]' }),
        block({ path: path(), block: 'second', marker: ';; {mark} two', markerBegin: 'open', markerEnd: 'close', insertAfter: '^x=' }),
      ]),
      local,
      tree,
    );
    expect(await read()).to.equal('[a]\nx=1\n;; open two\nsecond\n;; close two\n;; BEGIN one\nfirst\n;; END one\n[b]\ny=2\n');
  });

  it('removes a block and only the block', async () => {
    await writeFile(path(), 'a\n# BEGIN BOSUN MANAGED BLOCK\nx\n# END BOSUN MANAGED BLOCK\nb\n');
    await assertConverges(planOf([block({ path: path(), state: 'absent' })]), local, tree);
    expect(await read()).to.equal('a\nb\n');
  });

  it('creates the file when asked', async () => {
    await assertConverges(planOf([block({ path: path(), block: 'only', create: true })]), local, tree);
    expect(await read()).to.equal('# BEGIN BOSUN MANAGED BLOCK\nonly\n# END BOSUN MANAGED BLOCK\n');
  });

  it('refuses markers that cannot be found again: equal begin and end, or a body line equal to a marker', () => {
    expect(() => planOf([block({ path: path(), block: 'x', marker: '#', markerBegin: 'a', markerEnd: 'b' })])).to.throw(
      ValidationError,
      /block\(.*\)\.marker/,
    );
    expect(() => planOf([block({ path: path(), block: 'x', markerBegin: 'same', markerEnd: 'same' })])).to.throw(
      ValidationError,
      /block\(.*\)\.marker/,
    );
    expect(() => planOf([block({ path: path(), block: 'a\n# END BOSUN MANAGED BLOCK\nb' })])).to.throw(
      ValidationError,
      /block\(.*\)\.block/,
    );
  });

  it('refuses options that cannot go together when a JavaScript caller gives them (TypeScript refuses them already)', () => {
    const both = { path: path(), block: 'x', insertAfter: '^a', insertBefore: '^b' } as unknown as BlockProps;
    expect(() => planOf([block(both)])).to.throw(ValidationError, /block\(.*\)\.insertBefore: cannot go together with insertAfter/);
    const absent = { path: path(), state: 'absent', block: 'x' } as unknown as BlockProps;
    expect(() => planOf([block(absent)])).to.throw(ValidationError, /block\(.*\)\.block: is not a known parameter with state "absent"/);
    expect(() => planOf([block({ path: path(), state: 'absent', tags: ['t'] })])).not.to.throw();
  });
});
