import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { PIECE_BYTES, piecesOf } from '../../compiler/byte-pieces.ts';
import type { LocalFileNode } from '../../compiler/local-files.ts';
import { filePayload, payload } from '../../compiler/payload.ts';
import { SectionSending } from '../../runner/data-section.ts';

/** A local file whose content the test changes after the compile named it. */
function changingFile(bytes: Buffer): { node: LocalFileNode; now: { bytes: Buffer | Error } } {
  const now: { bytes: Buffer | Error } = { bytes };
  const node: LocalFileNode = {
    kind: 'file',
    size: bytes.length,
    executable: false,
    *chunks() {
      if (now.bytes instanceof Error) throw now.bytes;
      yield* piecesOf(now.bytes);
    },
  };
  return { node, now };
}

/** What one sending puts on the wire: all its pieces, then its answer to `got`. */
function sent(sending: SectionSending): { bytes: Buffer; ack: string } {
  return { bytes: Buffer.concat([...sending.pieces()]), ack: sending.acknowledgement() };
}

describe('runner/data-section: sending a section the host asked for', () => {
  const original = Buffer.alloc(PIECE_BYTES * 2 + 100, 'a');
  const path = '/playbooks/files/app.tar.gz';

  it('sends the bytes named, in pieces, and acknowledges them', () => {
    const { node } = changingFile(original);
    const data = filePayload(node, path);
    const { bytes, ack } = sent(new SectionSending(data));
    expect(bytes.equals(original)).to.equal(true);
    expect(ack).to.equal(`ok ${createHash('sha256').update(original).digest('hex')}\n`);
    expect(sent(new SectionSending(payload('y'.repeat(5000)))).ack).to.match(/^ok [0-9a-f]{64}\n$/);
  });

  it('refuses what the local file has become, sending exactly the size named so the stream stays in step', () => {
    const cases: [string, Buffer | Error, RegExp][] = [
      [
        'same size, other bytes',
        Buffer.alloc(original.length, 'b'),
        /changed since the plan was compiled \(the plan names sha256 [0-9a-f]{16}…\)/,
      ],
      ['shorter', Buffer.alloc(100, 'a'), /is shorter than when the plan was compiled \(100 of 2097252 bytes\)/],
      ['longer, other bytes first', Buffer.alloc(original.length + 10, 'b'), /changed since the plan was compiled/],
      ['gone', new Error('ENOENT: no such file or directory'), /could not be read again \(ENOENT: no such file or directory\)/],
    ];
    for (const [name, now, why] of cases) {
      const file = changingFile(original);
      const data = filePayload(file.node, path);
      expect(data.sha256, name).to.have.length(64);
      file.now.bytes = now;
      const { bytes, ack } = sent(new SectionSending(data));
      expect(bytes.length, name).to.equal(original.length);
      expect(ack, name)
        .to.match(/^no \/playbooks\/files\/app\.tar\.gz /)
        .and.to.match(why)
        .and.to.match(/: refused, nothing was put in place\n$/);
      expect(ack.split('\n'), name).to.have.length(2);
    }
  });

  it('a file that grew after the bytes named still sends them: they are the section', () => {
    const file = changingFile(original);
    const data = filePayload(file.node, path);
    const sha256 = data.sha256;
    file.now.bytes = Buffer.concat([original, Buffer.from('appended')]);
    const { bytes, ack } = sent(new SectionSending(data));
    expect(bytes.equals(original)).to.equal(true);
    expect(ack).to.equal(`ok ${sha256}\n`);
  });

  it('a section never sent is refused', () => {
    expect(new SectionSending(payload('z'.repeat(5000))).acknowledgement()).to.match(/^no the content of 5000 bytes was not sent/);
  });
});
