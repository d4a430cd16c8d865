import { expect } from 'chai';
import { type Fleet, startFleet } from '../support/fleet.ts';
import { patience } from '../support/patience.ts';
import { solrStandIn } from '../support/solr-standin.ts';
import { bosun, expectConverges, writeInventory, writeSshConfig } from './bosun-cli.ts';

/** playbooks/solr.ts through the bosun command on a booted host, with a stand-in release for Apache's. */
describe('solr playbook on a fleet host @fleet', function () {
  this.timeout(patience(10 * 60_000));
  let fleet: Fleet;
  let options: { inventory: string; sshConfig: string; playbook: string; args: string[] };

  before(async () => {
    fleet = await startFleet(1, { namePrefix: 'solrpb' });
    const archive = await solrStandIn(fleet.dir);
    const host = fleet.hosts[0]!;
    options = {
      inventory: await writeInventory(fleet),
      sshConfig: await writeSshConfig(fleet),
      playbook: 'playbooks/solr.ts',
      args: [
        '-e',
        `solr_archive=${archive}`,
        '-e',
        'solr_packages=python3',
        '-e',
        `solr_jetty_host=${host.address}`,
        '-e',
        'solr_heap=256m',
      ],
    };
  });
  after(() => fleet?.stop());

  it('check (exit 2), apply (exit 0), check again (exit 0); Solr answers on 8983 as the solr user', async () => {
    await expectConverges(fleet, options);
    const host = fleet.hosts[0]!;
    const deadline = Date.now() + patience(60_000);
    for (;;) {
      const response = await fetch(`http://${host.address}:8983/solr.xml`).catch(() => undefined);
      if (response?.status === 200) {
        expect(await response.text()).to.equal('<solr>stand-in</solr>\n');
        break;
      }
      if (Date.now() > deadline) throw new Error('solr did not answer on 8983');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const user = await fleet.exec(host, 'ps -o user= -p "$(cat /var/solr/solr-8983.pid)"; grep HEAP /etc/default/solr.in.sh');
    expect(user.stdout).to.equal('solr\nSOLR_HEAP=256m');
  });

  it('without a checksum or an archive, it names the variable and runs nothing (exit 1)', async () => {
    const run = await bosun('check', fleet, { ...options, args: [] });
    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.contain('solr_sha512');
  });
});
