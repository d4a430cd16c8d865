import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { payload, payloadOut } from '../../compiler/payload.ts';
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

describe('payload', () => {
  it('carries every byte value, in every shell, byte for byte', () => {
    const bytes = Buffer.from([...Array(256).keys(), ...Array(256).keys()].reverse());
    const script = payloadOut(payload(bytes)).text;
    for (const shell of SHELLS) expect(outputOf(shell, script).equals(bytes), shell.join(' ')).to.equal(true);
  });

  it('carries bytes that begin with a dash, which printf would read as an option', () => {
    for (const bytes of [Buffer.from([0x2d, 0]), Buffer.from([0x2d, 0x2d, 0xff])]) {
      const script = payloadOut(payload(bytes)).text;
      for (const shell of SHELLS) expect(outputOf(shell, script).equals(bytes), shell.join(' ')).to.equal(true);
    }
  });

  it('carries text as one quoted value, and nothing for no bytes', () => {
    expect(payloadOut(payload("it's $HOME\n")).text).to.equal("printf '%s' 'it'\\''s $HOME\n'");
    expect(outputOf(['dash', '-s'], payloadOut(payload('')).text).length).to.equal(0);
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
        expect(outputOf(['dash', '-s'], payloadOut(payload(bytes)).text).equals(bytes)).to.equal(true);
      }),
      propertyRuns(100),
    );
  });
});
