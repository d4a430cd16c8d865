import { expect } from 'chai';
import { FRAME_PREFIX } from '../../compiler/protocol.ts';
import { type FramedSession, runFramedSession, type SessionFrame, sessionFailure } from '../../runner/framed-session.ts';
import type { RunOutcome, Transport } from '../../runner/transport.ts';

/** A transport that says the given stderr, then the given stdout lines, and ends with the given outcome. */
function scripted(lines: readonly string[], outcome: Partial<RunOutcome> = {}, stderr = ''): Transport {
  return {
    async run(request) {
      if (stderr !== '') request.onStderr?.(stderr);
      for (const line of lines) request.onLine(line);
      return { exitCode: 0, unreachable: false, stderr, ...outcome };
    },
  };
}

const frame = (event: Record<string, unknown>): string => `${FRAME_PREFIX}${JSON.stringify(event)}`;
const FACTS = frame({ t: 'facts', pkg: 'apt', init: 'systemd', os: 'debian/bookworm' });
const END = frame({ t: 'end' });

/** Runs `lines` in a framed session, keeping every frame passed on and every piece of log. */
async function read(lines: readonly string[], refuse?: (event: SessionFrame) => string | undefined, outcome?: Partial<RunOutcome>) {
  const frames: SessionFrame[] = [];
  const log: string[] = [];
  const session = await runFramedSession(scripted(lines, outcome, 'from stderr\n'), {
    script: 'true',
    mode: 'check',
    onFrame: (event) => {
      frames.push(event);
      return refuse?.(event);
    },
    onLog: (text) => log.push(text),
  });
  return { session, frames, log };
}

describe('runner/framed-session: reading frames', () => {
  it('keeps facts and end, passes the other frames on in order, and unframed lines and stderr as log', async () => {
    const { session, frames, log } = await read([
      FACTS,
      frame({ t: 'start', i: 0 }),
      'plain words',
      frame({ t: 'result', i: 0, s: 'ok', rc: 0 }),
      END,
    ]);
    expect(session.facts).to.deep.equal({ pkg: 'apt', init: 'systemd', os: 'debian/bookworm' });
    expect(session.ended).to.equal(true);
    expect(session).not.to.have.property('broken');
    expect(frames.map((event) => event.t)).to.deep.equal(['start', 'result']);
    expect(log).to.deep.equal(['from stderr\n', 'plain words\n']);
  });

  it('a frame that breaks the protocol, or that the caller refuses, is remembered (the first one), and reading goes on', async () => {
    const unknown = await read([frame({ t: 'nonsense' }), frame({ t: 'start', i: 1 }), END], () => 'not this one');
    expect(unknown.session.broken).to.match(/^unknown frame kind "nonsense"/);
    expect(unknown.frames.map((event) => event.t)).to.deep.equal(['start']);
    expect(unknown.session.ended).to.equal(true);
    const refused = await read([frame({ t: 'start', i: 1 }), frame({ t: 'pending', i: 2 }), END], (event) => `no ${event.t}`);
    expect(refused.session.broken).to.equal('no start');
    expect(refused.frames.map((event) => event.t)).to.deep.equal(['start', 'pending']);
  });
});

describe('runner/framed-session: why a session failed', () => {
  const outcome = (over: Partial<RunOutcome> = {}): RunOutcome => ({ exitCode: 0, unreachable: false, stderr: '', ...over });
  const session = (over: Partial<FramedSession> = {}): FramedSession => ({ outcome: outcome(), ended: true, ...over });
  const mask = (text: string): string => text.replaceAll('hunter2', '********');
  const aborted = (reason?: unknown): AbortSignal => AbortSignal.abort(reason);

  it('a session that reached its end frame, on a host that was reached, did not fail', () => {
    expect(sessionFailure(session(), {}, mask)).to.equal(undefined);
  });

  it('a broken protocol comes first, masked, even after the end frame', () => {
    const broken = session({ broken: 'frame said hunter2', timeout: aborted(), outcome: outcome({ unreachable: true }) });
    expect(sessionFailure(broken, { timeoutMs: 5000 }, mask)).to.deep.equal({
      unreachable: false,
      reason: 'protocol error: frame said ********',
    });
  });

  it('a script that did not end: the time limit, then the interruption (and what interrupted it)', () => {
    const timedOut = session({ ended: false, timeout: aborted() });
    expect(sessionFailure(timedOut, { timeoutMs: 1500, signal: aborted('SIGINT') }, mask)?.reason).to.equal(
      'timed out after 1.5 s; session ended',
    );
    const stopped = session({ ended: false });
    expect(sessionFailure(stopped, { signal: aborted('SIGTERM') }, mask)?.reason).to.equal('interrupted by SIGTERM; session ended');
    expect(sessionFailure(stopped, { signal: aborted(new Error('x')) }, mask)?.reason).to.equal('interrupted; session ended');
  });

  it('a limit passed after the end frame is no failure', () => {
    expect(sessionFailure(session({ timeout: aborted() }), { timeoutMs: 1000, signal: aborted('SIGINT') }, mask)).to.equal(undefined);
  });

  it('an unreachable host, even after the end frame: the transport reason, else its stderr, masked', () => {
    const unreachable = session({ outcome: outcome({ unreachable: true, stderr: ' ssh: hunter2 refused \n' }) });
    expect(sessionFailure(unreachable, {}, mask)).to.deep.equal({ unreachable: true, reason: 'ssh: ******** refused' });
    const named = session({ ended: false, outcome: outcome({ unreachable: true, reason: 'connection refused' }) });
    expect(sessionFailure(named, {}, mask)).to.deep.equal({ unreachable: true, reason: 'connection refused' });
  });

  it('a script that stopped early: the transport reason, else the last three lines of stderr, else the exit code', () => {
    const early = (over: Partial<RunOutcome>) => sessionFailure(session({ ended: false, outcome: outcome(over) }), {}, mask);
    expect(early({ reason: 'connection lost mid-run', stderr: 'x' })).to.deep.equal({
      unreachable: false,
      reason: 'connection lost mid-run',
    });
    expect(early({ stderr: 'one\ntwo\nthree\nfour hunter2\n' })?.reason).to.equal('two\nthree\nfour ********');
    expect(early({ exitCode: 3 })?.reason).to.equal('the script stopped early (exit code 3)');
  });
});
