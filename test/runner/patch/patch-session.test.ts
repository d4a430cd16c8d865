import { expect } from 'chai';
import { code } from '../../../compiler/shell.ts';
import { renderPatchScript } from '../../../compiler/patch/patch-script.ts';
import { LocalTransport } from '../../../runner/local-transport.ts';
import { runPatchSession } from '../../../runner/patch/patch-session.ts';

/** Patch sessions through a real transport (this machine's sh): frames in, parts out, and what breaks the protocol. */
describe('patch sessions', () => {
  const run = (body: string) => runPatchSession(renderPatchScript('test', code(body)), new LocalTransport(), { mode: 'check' });

  it('collects the facts and each part in order, with its exit code and text', async () => {
    const session = await run(`printf 'one\\n' | _bosun_part health 0\n_bosun_capture health sh -c 'echo two; exit 3'`);
    expect(session.ended).to.equal(true);
    expect(session.facts?.pkg).to.be.a('string');
    expect(session.parts).to.deep.equal([
      { part: 'health', rc: 0, text: 'one\n' },
      { part: 'health', rc: 3, text: 'two\n' },
    ]);
  });

  it('a part the protocol does not know fails the session as a protocol error', async () => {
    const session = await run(`printf 'x' | _bosun_part secrets 0`);
    expect(session.ended).to.equal(false);
    expect(session.failure).to.equal('protocol error: unknown patch part "secrets"');
  });

  it('a frame of a plan (a step result) in a patch script is a protocol error too', async () => {
    const session = await run(`_bosun_result 0 ok`);
    expect(session.failure).to.equal('protocol error: a patch script sent a result frame');
  });

  it('a script that stops before its end frame failed, whatever it sent', async () => {
    const session = await run(`printf 'half\\n' | _bosun_part upgrade 0\necho 'E: dpkg was interrupted' >&2\nexit 0`);
    expect(session.ended).to.equal(false);
    expect(session.parts.map((p) => p.part)).to.deep.equal(['upgrade']);
    expect(session.failure).to.equal('E: dpkg was interrupted');
  });
});
