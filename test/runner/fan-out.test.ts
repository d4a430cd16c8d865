import { expect } from 'chai';
import { fanOut } from '../../runner/fan-out.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);

interface Outcome {
  readonly host: string;
  readonly ok: boolean;
}

/** A runOne made of plain functions: records concurrency and order, fails the hosts asked. */
function recorder(failing: ReadonlySet<string> = new Set(), delayMs = 20) {
  let running = 0;
  const seen = { peak: 0, started: [] as string[] };
  const runOne = async (host: string): Promise<Outcome> => {
    seen.started.push(host);
    running += 1;
    seen.peak = Math.max(seen.peak, running);
    await sleep(delayMs);
    running -= 1;
    return { host, ok: !failing.has(host) };
  };
  return { runOne, seen };
}

const isFailure = (r: Outcome) => !r.ok;

describe('runner/fan-out', () => {
  it('runs every host, at most forks at a time', async () => {
    const { runOne, seen } = recorder();
    const out = await fanOut(hosts(10), runOne, { forks: 3, isFailure });
    expect(out.results.size).to.equal(10);
    expect(seen.peak).to.equal(3);
    expect(out.notRun).to.deep.equal([]);
    expect(out.stoppedAfterBatch).to.equal(undefined);
  });

  it('runs hosts really in parallel: with 10 forks, all 10 hosts are running at once', async () => {
    // Counted, not timed: each host waits until every host has started, so a fan-out that
    // ran them one after another would never finish (and fail on mocha's timeout).
    let started = 0;
    let allStarted: () => void = () => {};
    const everyone = new Promise<void>((resolve) => (allStarted = resolve));
    const out = await fanOut(
      hosts(10),
      async (host) => {
        started += 1;
        if (started === 10) allStarted();
        await everyone;
        return { host, ok: true };
      },
      { forks: 10, isFailure },
    );
    expect(out.results.size).to.equal(10);
  });

  it('finishes a batch before the next starts', async () => {
    const order: string[] = [];
    await fanOut(
      hosts(5),
      async (host) => {
        order.push(`+${host}`);
        await sleep(host === 'h1' ? 60 : 5);
        order.push(`-${host}`);
        return { host, ok: true };
      },
      { forks: 5, serial: [2, 3], isFailure },
    );
    expect(order.indexOf('-h1')).to.be.lessThan(order.indexOf('+h3'));
  });

  it('reports results as they arrive, batches as they start', async () => {
    const events: string[] = [];
    const { runOne } = recorder();
    const out = await fanOut(hosts(4), runOne, {
      forks: 4,
      serial: 2,
      isFailure,
      onBatch: (index, batch) => events.push(`batch ${index}: ${batch.join(',')}`),
      onResult: (host) => events.push(host),
    });
    expect(events[0]).to.equal('batch 0: h1,h2');
    expect(events[3]).to.equal('batch 1: h3,h4');
    expect(events).to.have.length(6);
    expect(out.batches).to.deep.equal([
      ['h1', 'h2'],
      ['h3', 'h4'],
    ]);
  });

  it('a failed host never stops the other hosts of its batch', async () => {
    const { runOne } = recorder(new Set(['h1']));
    const out = await fanOut(hosts(4), runOne, { forks: 1, maxFailPercentage: 0, isFailure });
    expect([...out.results.keys()]).to.deep.equal(hosts(4));
  });

  it('stops later batches when more than maxFailPercentage of a batch failed', async () => {
    const { runOne, seen } = recorder(new Set(['h2', 'h3']));
    const out = await fanOut(hosts(8), runOne, { forks: 4, serial: 4, maxFailPercentage: 25, isFailure });
    expect(out.stoppedAfterBatch).to.equal(0);
    expect(seen.started).to.have.members(['h1', 'h2', 'h3', 'h4']);
    expect(out.notRun).to.deep.equal(['h5', 'h6', 'h7', 'h8']);
  });

  it('goes on when exactly maxFailPercentage failed (the limit is "more than")', async () => {
    const { runOne } = recorder(new Set(['h2']));
    const out = await fanOut(hosts(8), runOne, { forks: 4, serial: 4, maxFailPercentage: 25, isFailure });
    expect(out.stoppedAfterBatch).to.equal(undefined);
    expect(out.results.size).to.equal(8);
  });

  it('without a limit, stops only after a batch where every host failed', async () => {
    const partly = await fanOut(hosts(4), recorder(new Set(['h1'])).runOne, { forks: 2, serial: [1, 1, 2], isFailure });
    expect(partly.stoppedAfterBatch).to.equal(0);
    const some = await fanOut(hosts(4), recorder(new Set(['h1', 'h3'])).runOne, { forks: 2, serial: 2, isFailure });
    expect(some.stoppedAfterBatch).to.equal(undefined);
  });

  it('turns an exception into a result with onError, and the batch goes on', async () => {
    const out = await fanOut(
      hosts(3),
      async (host) => {
        if (host === 'h2') throw new Error('boom');
        return { host, ok: true };
      },
      { forks: 3, isFailure, onError: (host) => ({ host, ok: false }) },
    );
    expect(out.results.get('h2')).to.deep.equal({ host: 'h2', ok: false });
    expect(out.results.size).to.equal(3);
  });

  it('without onError, rethrows after the rest of the batch has run', async () => {
    const ran: string[] = [];
    let caught: unknown;
    try {
      await fanOut(
        hosts(3),
        async (host) => {
          if (host === 'h1') throw new Error('boom');
          await sleep(20);
          ran.push(host);
          return { host, ok: true };
        },
        { forks: 3, isFailure },
      );
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal('boom');
    expect(ran).to.have.members(['h2', 'h3']);
  });

  it('an interruption starts no new host and reaches running hosts through their signal', async () => {
    const controller = new AbortController();
    const aborted: string[] = [];
    const out = await fanOut(
      hosts(4),
      async (host, signal) => {
        if (host === 'h1') setTimeout(() => controller.abort(), 10);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted.push(host);
        return { host, ok: false };
      },
      { forks: 2, isFailure, signal: controller.signal },
    );
    expect(aborted).to.have.members(['h1', 'h2']);
    expect(out.notRun).to.deep.equal(['h3', 'h4']);
  });
});
