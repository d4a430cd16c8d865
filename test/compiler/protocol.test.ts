import { expect } from 'chai';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CANNOT_APPLY,
  CANNOT_TELL,
  DID_NOT_CONVERGE,
  decodeData,
  FRAME_PREFIX,
  FRAMES,
  type FrameKind,
  frameFormat,
  ProtocolError,
  parseFrame,
} from '../../compiler/protocol.ts';
import { command, file } from '../../index.ts';
import { planOf, tempDir } from '../support/plan-harness.ts';
import { renderChecked } from '../../testing/shellcheck.ts';
import { ROOT, treeSourceFiles } from '../support/source-tree.ts';

describe('compiler/protocol: the framed events a script prints and the runner reads', () => {
  it('parses each kind of event', () => {
    expect(parseFrame('@@bosun {"t":"facts","pkg":"apt","init":"systemd","os":"debian/bookworm"}')).to.deep.equal({
      t: 'facts',
      pkg: 'apt',
      init: 'systemd',
      os: 'debian/bookworm',
    });
    expect(parseFrame('@@bosun {"t":"result","i":3,"s":"failed","rc":125}')).to.deep.equal({ t: 'result', i: 3, s: 'failed', rc: 125 });
    expect(parseFrame('@@bosun {"t":"before","i":0,"b64":"aGk="}')).to.deep.equal({ t: 'before', i: 0, b64: 'aGk=' });
    expect(parseFrame('@@bosun {"t":"end"}')).to.deep.equal({ t: 'end' });
  });

  it('treats anything else as log output', () => {
    for (const line of [
      '',
      'plain output',
      '@@bosun',
      '@@bosun ',
      '@@bosun {not json',
      '@@bosun 42',
      '@@bosun null',
      '@@bosun "x"',
      '@@bosun {"no":"t"}',
      ' @@bosun {"t":"end"}',
      '@@bosunx {"t":"end"}',
    ]) {
      expect(parseFrame(line), line).to.equal(undefined);
    }
  });

  it('refuses a frame that breaks the protocol: an unknown kind or status, a field of the wrong type', () => {
    for (const line of [
      '@@bosun {"t":"result","i":0,"s":"done","rc":0}',
      '@@bosun {"t":"result","i":0,"s":"ok"}',
      '@@bosun {"t":"result","i":"0","s":"ok","rc":0}',
      '@@bosun {"t":"result","i":-1,"s":"ok","rc":0}',
      '@@bosun {"t":"finish"}',
      '@@bosun {"t":"before","i":0}',
    ]) {
      expect(() => parseFrame(line), line).to.throw(ProtocolError);
    }
  });

  it('every printf format the prelude uses gives a frame the parser reads back', async () => {
    // A value of each field's type (a result's status must be a known one).
    const sample = (kind: FrameKind, type: string): string => {
      if (type === 'number') return '7';
      return kind === 'result' ? 'ok' : 'v';
    };
    for (const kind of Object.keys(FRAMES) as FrameKind[]) {
      const fields = Object.entries(FRAMES[kind]);
      const values = fields.map(([, type]) => sample(kind, type));
      const { stdout } = await execa('sh', ['-c', `printf '${frameFormat(kind)}' "$@"`, 'sh', ...values]);
      const event = parseFrame(stdout) as Record<string, unknown>;
      expect(event.t, stdout).to.equal(kind);
      for (const [k, [field, type]] of fields.entries())
        expect(event[field], `${kind}.${field}`).to.equal(type === 'number' ? 7 : values[k]);
    }
  });

  it('decodes data as UTF-8, astral characters included', () => {
    const text = 'a\nb\0c 😀 é';
    expect(decodeData(Buffer.from(text).toString('base64'))).to.equal(text);
    expect(decodeData('')).to.equal('');
  });

  it('every stdout line of a real script is a frame, and data frames carry the bytes', async () => {
    const { dir, dispose } = await tempDir();
    try {
      const content = 'line 1\n😀 $x `y`\n';
      await execa('sh', ['-c', 'printf "%s" "$1" >"$2"', 'sh', content, `${dir}/f`]);
      const plan = planOf([file({ path: `${dir}/f`, content: 'other\n' }), command({ argv: ['sh', '-c', 'echo out; exit 2'] })]);
      const { script } = renderChecked(plan);
      for (const mode of ['check', 'apply']) {
        const result = await execa('sh', ['-s', mode], { input: script, reject: false });
        const lines = result.stdout.split('\n');
        expect(
          lines.every((line) => line.startsWith(FRAME_PREFIX) && parseFrame(line) !== undefined),
          result.stdout,
        ).to.equal(true);
        const events = lines.map((line) => parseFrame(line)!);
        expect(events[0]!.t).to.equal('facts');
        expect(events.at(-1)).to.deep.equal({ t: 'end' });
        if (mode === 'check') {
          const before = events.find((event) => event.t === 'before');
          expect(before && 'b64' in before && decodeData(before.b64)).to.equal(content);
          expect(events).to.deep.include({ t: 'size', i: 0, n: Buffer.byteLength(content) });
        } else {
          const output = events.find((event) => event.t === 'output');
          expect(output && 'b64' in output && decodeData(output.b64)).to.equal('out\n');
        }
      }
    } finally {
      await dispose();
    }
  });
});

describe("README's plan-format table", () => {
  it('lists every frame kind of compiler/protocol.ts with its fields, and nothing else', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Plan format'));
    const documented = new Map<string, string[]>();
    for (const [, events = '', fields = ''] of section.matchAll(/^\| ((?:`[a-z]+`(?: \/ )?)+) +\| ([^|]*)\|/gm)) {
      const fieldNames = [...fields.matchAll(/`([a-z0-9]+)`/g)].map((match) => match[1] ?? '');
      for (const [, kind = ''] of events.matchAll(/`([a-z]+)`/g)) documented.set(kind, fieldNames);
    }
    const expected = new Map(Object.entries(FRAMES).map(([kind, fields]) => [kind, Object.keys(fields)]));
    expect(Object.fromEntries(documented)).to.deep.equal(Object.fromEntries(expected));
  });
});

describe('compiler/protocol: the one owner of its literals', () => {
  /** The frame marker and the exit codes with a meaning, spelled out rather than imported. */
  const literal = new RegExp(`${FRAME_PREFIX.trim()}|\\b(${[DID_NOT_CONVERGE, CANNOT_TELL, CANNOT_APPLY].join('|')})\\b`);

  /** `file:line` of every line of the tree's code that spells one of the protocol's literals; test/ spells them on purpose, as fixtures. */
  function spelled(): string[] {
    return treeSourceFiles()
      .filter((file) => !file.startsWith('test/'))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (literal.test(line) ? [`${file}:${i + 1}`] : [])),
      );
  }

  it('no file outside compiler/protocol.ts spells the frame marker or the exit codes', () => {
    const found = spelled();
    // The scan sees the owner itself: a scan that read nothing would pass for the wrong reason.
    expect(found.filter((at) => at.startsWith('compiler/protocol.ts:'))).to.have.length.greaterThan(2);
    expect(found.filter((at) => !at.startsWith('compiler/protocol.ts:'))).to.deep.equal([]);
  });
});
