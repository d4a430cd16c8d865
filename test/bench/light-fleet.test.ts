import { expect } from 'chai';
import { constants } from 'node:os';
import { startLightFleet } from '../../bench/light-fleet.ts';
import { expectNothingStays, startedHost, startThenInterrupt } from '../support/interrupted-fleet.ts';
import { patience } from '../support/patience.ts';

describe('bench/light-fleet: sshd-only hosts for the bench @fleet', function () {
  this.timeout(patience(5 * 60_000));

  it('stops everything it started: no process, mount, files, cgroup or address claim', async () => {
    const fleet = await startLightFleet(1, { namePrefix: 'lt' });
    const host = fleet.hosts[0]!;
    const started = await startedHost({ ...host, root: host.overlay.root, fleetDir: fleet.dir, nspawnPid: host.child!.pid! });
    expect(started.pids).to.have.length(2);
    await fleet.stop();
    await expectNothingStays(started);
  });

  it('a bench interrupted by SIGTERM leaves nothing of its hosts either', async () => {
    const { host, exitCode } = await startThenInterrupt(START_ONE_HOST, 'SIGTERM');
    expect(host.pids).to.have.length(2);
    expect(exitCode).to.equal(128 + constants.signals.SIGTERM);
    await expectNothingStays(host);
  });
});

/** A child's bench: starts one light host, reports it (interrupted-fleet.ts's StartedHost), then idles until a signal ends it. */
const START_ONE_HOST = `
import { startLightFleet } from ${JSON.stringify(new URL('../../bench/light-fleet.ts', import.meta.url).href)};
import { startedHost } from ${JSON.stringify(new URL('../support/interrupted-fleet.ts', import.meta.url).href)};
const fleet = await startLightFleet(1, { namePrefix: 'ltc' });
const host = fleet.hosts[0];
console.log(JSON.stringify(await startedHost({ ...host, root: host.overlay.root, fleetDir: fleet.dir, nspawnPid: host.child.pid })));
setInterval(() => {}, 60_000);
`;
