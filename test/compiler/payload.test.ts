import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { definePayloads, payload, payloadOut, type Payload } from '../../compiler/payload.ts';
import { INLINE_PAYLOAD_MAX_BYTES } from '../../compiler/protocol.ts';
import { maskSecrets, secret } from '../../compiler/secret.ts';
import { propertyRuns } from '../support/property-runs.ts';

// The shells a script must run under: each decodes a payload to the same bytes.
const SHELLS = [
  ['dash', '-s'],
  ['busybox', 'sh', '-s'],
  ['bash', '--posix', '-s'],
];

function outputOf(shell: readonly string[], script: string): Buffer {
  const [command = 'sh', ...args] = shell;
  const result = spawnSync(command, args, { input: script });
  if (result.status !== 0) throw new Error(`${shell.join(' ')} exited ${String(result.status)}: ${result.stderr}`);
  return result.stdout;
}

/** A script that prints an inline payload: its definition, as the renderer emits it beside its step, then its use. */
function printing(data: Payload): string {
  return `${definePayloads([data]).text}\n${payloadOut(data).text}\n`;
}

describe('payload', () => {
  it('carries every byte value, in every shell, byte for byte', () => {
    const bytes = Buffer.from([...Array(256).keys(), ...Array(256).keys()].reverse());
    const script = printing(payload(bytes));
    for (const shell of SHELLS) expect(outputOf(shell, script).equals(bytes), shell.join(' ')).to.equal(true);
  });

  it('carries bytes that begin with a dash, which printf would read as an option', () => {
    for (const bytes of [Buffer.from([0x2d, 0]), Buffer.from([0x2d, 0x2d, 0xff])]) {
      const script = printing(payload(bytes));
      for (const shell of SHELLS) expect(outputOf(shell, script).equals(bytes), shell.join(' ')).to.equal(true);
    }
  });

  it('carries small text as one quoted value defined once, and nothing for no bytes', () => {
    const data = payload("it's $HOME\n");
    const name = payloadOut(data).text;
    expect(name).to.match(/^_bosun_p_[0-9a-f]{16}$/);
    expect(definePayloads([data, payload("it's $HOME\n")]).text).to.equal(`${name}() { printf '%s' 'it'\\''s $HOME\n'; }`);
    expect(payloadOut(payload('other')).text).not.to.equal(name);
    expect(outputOf(['dash', '-s'], printing(payload(''))).length).to.equal(0);
  });

  it('makes larger content a data section: the code names it by sha256 and size and never carries it', () => {
    const text = 'x'.repeat(INLINE_PAYLOAD_MAX_BYTES + 1);
    const data = payload(text);
    expect(data.inline).to.equal(false);
    expect(payloadOut(data).text).to.equal(`_bosun_payload ${data.sha256} ${INLINE_PAYLOAD_MAX_BYTES + 1}`);
    expect(definePayloads([data]).text).to.equal('');
    expect(payloadOut(data).payloads).to.deep.equal([data]);
    expect(JSON.stringify({ data })).not.to.contain('xxx');
    // A secret never is one (its checksum would be printed with the script): it stays a masked value.
    expect(payload(secret(text)).inline).to.equal(true);
  });

  it('streams large content in pieces whose bytes add up to the whole, surrogate pairs kept whole', () => {
    const text = `${'a'.repeat((1 << 20) - 1)}😀${'é'.repeat(1 << 19)}\u{d800}tail`;
    const data = payload(text);
    const whole = Buffer.concat([...data.chunks()]);
    expect(whole.equals(Buffer.from(text, 'utf8'))).to.equal(true);
    expect(data.size).to.equal(whole.length);
    expect(data.sha256).to.equal(payload(Buffer.from(text, 'utf8')).sha256);
    expect([...payload(whole).chunks()].length).to.equal(Math.ceil(whole.length / (1 << 20)));
  });

  it('names its bytes by sha256', () => {
    expect(payload('abc').sha256).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('keeps a secret masked: the code carries it as a secret', () => {
    const out = payloadOut(payload(secret('hunter2')));
    expect(out.secrets).to.include('hunter2');
    expect(maskSecrets(out.text, out.secrets)).not.to.include('hunter2');
  });

  it('gives back random bytes exactly (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (array) => {
        const bytes = Buffer.from(array);
        expect(outputOf(['dash', '-s'], printing(payload(bytes))).equals(bytes)).to.equal(true);
      }),
      propertyRuns(100),
    );
  });
});
