import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFiles, sha256, unchanged, writeAtomically } from '../../loader/file-hashes.ts';

describe('loader/file-hashes: what the type-check and bundle caches trust', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'bosun-hashes-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('records each file by the sha256 of its content', async () => {
    await writeFile(join(dir, 'a'), 'abc');
    expect(await hashFiles([join(dir, 'a')])).to.deep.equal([
      [join(dir, 'a'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ]);
    expect(sha256('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('says unchanged only while every file has its recorded content, and exists', async () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    await writeFile(a, 'one');
    await writeFile(b, 'two');
    const recorded = await hashFiles([a, b]);
    expect(unchanged(recorded)).to.equal(true);
    await writeFile(b, 'two!');
    expect(unchanged(recorded)).to.equal(false);
    await rm(b);
    expect(unchanged(recorded)).to.equal(false);
    // An empty record proves nothing.
    expect(unchanged([])).to.equal(false);
  });

  it('writes a file whole, leaving no temp file beside it', async () => {
    await writeAtomically(join(dir, 'x.json'), '{"a":1}');
    await writeAtomically(join(dir, 'x.json'), '{"a":2}');
    expect(await readdir(dir)).to.deep.equal(['x.json']);
  });
});
