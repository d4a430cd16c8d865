import { expect } from 'chai';
import { execa } from 'execa';
import { chmod, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIECE_BYTES } from '../../compiler/byte-pieces.ts';
import type { LocalFileNode } from '../../compiler/local-files.ts';
import { filePayload } from '../../compiler/payload.ts';
import { diskFiles } from '../../loader/local-files.ts';
import { SectionSending } from '../../runner/data-section.ts';
import { patience } from '../support/patience.ts';
import { thrown } from '../support/thrown.ts';

const MIB = 1 << 20;

describe('loader/local-files: the controller disk, as the compiler sees it', function () {
  this.timeout(patience(120_000));
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'bosun-local-files-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const fileAt = (path: string): LocalFileNode => {
    const node = diskFiles().read(path);
    if (node.kind !== 'file') throw new Error(`${path} is ${node.kind}`);
    return node;
  };

  it('a large file is hashed and streamed in pieces of a mebibyte, never held whole', async () => {
    // 300 MiB, sparse, with bytes written here and there so that its pieces differ.
    const path = join(dir, 'artifact.bin');
    await writeFile(path, '');
    await truncate(path, 300 * MIB);
    const last = 300 * MIB - 5;
    const handle = await open(path, 'r+');
    for (const at of [0, 7 * MIB - 3, 150 * MIB + 12_345, last]) await handle.write(`mark ${at}`, at);
    await handle.close();
    const size = last + `mark ${last}`.length;

    const node = fileAt(path);
    expect([node.size, node.executable]).to.deep.equal([size, false]);
    const data = filePayload(node, path);
    expect([data.inline, data.size, data.origin]).to.deep.equal([false, size, path]);
    const { stdout } = await execa('sha256sum', [path]);
    expect(data.sha256).to.equal(stdout.split(' ')[0]);
    // The same node, the same payload: hashed once, however many hosts copy it.
    expect(filePayload(node, path)).to.equal(data);

    // Each piece its own buffer of at most a mebibyte: no buffer of the whole file behind them.
    const sizes: number[] = [];
    const sending = new SectionSending(data);
    for (const piece of sending.pieces()) {
      expect(piece.buffer.byteLength).to.be.at.most(PIECE_BYTES);
      sizes.push(piece.byteLength);
    }
    expect(sizes.slice(0, -1).every((n) => n === PIECE_BYTES)).to.equal(true);
    expect(sizes.length).to.equal(Math.ceil(size / PIECE_BYTES));
    expect(sizes.reduce((sum, n) => sum + n, 0)).to.equal(size);
    expect(sending.acknowledgement()).to.equal(`ok ${data.sha256}\n`);
  });

  it('describes a file by size and executable bit; small ones read whole into the script', async () => {
    const path = join(dir, 'run.sh');
    await writeFile(path, '#!/bin/sh\necho hi\n');
    await chmod(path, 0o750);
    const node = fileAt(path);
    expect([node.size, node.executable]).to.deep.equal([18, true]);
    const data = filePayload(node, path);
    expect([data.inline, data.text]).to.deep.equal([true, '#!/bin/sh\necho hi\n']);
    expect(diskFiles().read(join(dir, 'nothing'))).to.deep.equal({ kind: 'missing' });
    expect(diskFiles().read(dir)).to.deep.equal({ kind: 'directory', entries: ['run.sh'] });
  });

  it('a file that changes between being looked at and being hashed is an error naming it', async () => {
    const path = join(dir, 'growing');
    await writeFile(path, 'x'.repeat(10_000));
    const node = fileAt(path);
    await writeFile(path, 'x'.repeat(10_001));
    const error = thrown(() => filePayload(node, path).sha256);
    expect(error.describe()).to.equal(`${path}: changed while bosun read it (10000 bytes, then 10001)`);
  });
});
