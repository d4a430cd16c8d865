import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { quote } from '../../compiler/quote.ts';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { patience } from '../support/patience.ts';
import { expectConverges, writeInventory, writeSshConfig } from './bosun-cli.ts';

const APP = new URL('../fixtures/blot/app.py', import.meta.url);

/**
 * playbooks/blot.ts through the bosun command on a fresh booted host: after one apply, a
 * request goes through nginx to the app, which counts it in redis; the owner tools accept
 * what was written; a second check finds nothing to do.
 */
describe('blot playbook on a fleet host @fleet', function () {
  this.timeout(patience(15 * 60_000));
  let fleet: Fleet;
  let options: { inventory: string; sshConfig: string; playbook: string; args: string[] };
  /** Runs a command on the host as root: its stdout (without the final newline). */
  const exec = async (command: string): Promise<string> => {
    const result = await fleet.exec(fleet.hosts[0]!, command);
    if (result.exitCode !== 0) throw new Error(`${command}: exit ${result.exitCode}: ${result.stderr}`);
    return result.stdout;
  };
  /** The body nginx serves at / once it answers 200 (the app may still be starting). */
  const served = async (): Promise<string> => {
    const deadline = Date.now() + patience(60_000);
    for (;;) {
      const response = await fetch(`http://${fleet.hosts[0]!.address}/`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      if (response?.status === 200) return response.text();
      if (Date.now() > deadline) throw new Error(`nginx did not serve the app (last status ${response?.status ?? 'none'})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  before(async () => {
    fleet = await startFleet(1, { namePrefix: 'blot' });
    // The app's code, as the deploy puts it in place before the stack runs it.
    await exec(`mkdir -p /var/www/blot && printf '%s' ${quote(await readFile(APP, 'utf8'))} >/var/www/blot/app.py`);
    options = {
      inventory: await writeInventory(fleet),
      sshConfig: await writeSshConfig(fleet),
      playbook: 'playbooks/blot.ts',
      args: ['-e', JSON.stringify({ blot_command: '/usr/bin/python3 /var/www/blot/app.py', blot_packages: 'python3' })],
    };
  });
  after(() => fleet?.stop());

  it('check (exit 2), one apply (exit 0), check again (exit 0); a request goes nginx → app → redis', async () => {
    await expectConverges(fleet, options);
    // Each request is counted in redis: the count goes up by one per request served.
    const first = Number(/request (\d+)/.exec(await served())?.[1]);
    expect(await served()).to.equal(`blot: request ${first + 1}\n`);
    expect(await exec('redis-cli GET bosun:hits')).to.equal(`${first + 1}`);
    // The owner tools accept what was written.
    await exec(
      'nginx -t 2>&1 && monit -t && visudo -c && logrotate -d /etc/logrotate.d/blot 2>/dev/null && systemd-analyze verify blot.service',
    );
    expect(await exec('systemctl is-active blot redis-server nginx monit')).to.equal('active\nactive\nactive\nactive');
    expect(await exec('systemctl show -P Requires blot.service')).to.contain('redis-server.service');
    expect(await exec('grep -c "GET / " /var/www/blot/logs/app.log')).to.match(/^[1-9]/);
  });
});
