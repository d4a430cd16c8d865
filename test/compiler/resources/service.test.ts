import { expect } from 'chai';
import { lstat, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { service } from '../../../index.ts';
import {
  assertConverges,
  checkWritesNothing,
  chrootRoot,
  explain,
  planOf,
  runPlan,
  statuses,
  type ChrootRoot,
} from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';

/** A sysvinit script whose "daemon" is a marker file under /run; `broken` never starts. */
function initScript(name: string, broken = false): string {
  return `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${name}
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: bosun test service
### END INIT INFO
up=/run/${name}.up
case "$1" in
  start) ${broken ? ':' : 'touch "$up"'} ;;
  stop) rm -f "$up" ;;
  restart|force-reload) ${broken ? ':' : 'date +%s%N >"$up"'} ;;
  reload) ${broken ? ':' : 'echo reloaded >>"$up"'} ;;
  status) [ -e "$up" ] ;;
  *) exit 3 ;;
esac
`;
}

// lstat: links in the root point inside the root, not into this machine.
const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

// A chroot has no running systemd: these cover the sysvinit path (service(8), update-rc.d),
// which on a systemd image also enables/disables the unit offline through systemctl.
describe('compiler/resources/service (chroot, sysvinit path) @integration', function () {
  this.timeout(patience(60_000));
  let root: ChrootRoot;
  before(async () => {
    root = await chrootRoot();
    await writeFile(join(root.root, 'etc/init.d/bosun-dummy'), initScript('bosun-dummy'), { mode: 0o755 });
    await writeFile(join(root.root, 'etc/init.d/bosun-broken'), initScript('bosun-broken', true), { mode: 0o755 });
  });
  after(() => root?.dispose());

  it('enables at boot and starts a service that has no rc links yet, then stops it', async () => {
    await assertConverges(planOf([service({ name: 'bosun-dummy', enabled: true, state: 'running' })]), root.transport, root.tree);
    expect((await readdir(join(root.root, 'etc/rc2.d'))).filter((name) => name.endsWith('bosun-dummy')))
      .to.have.length(1)
      .and.to.match(/^S/);
    expect(await exists(join(root.root, 'run/bosun-dummy.up'))).to.equal(true);
    await assertConverges(planOf([service({ name: 'bosun-dummy', state: 'stopped' })]), root.transport, root.tree);
    expect(await exists(join(root.root, 'run/bosun-dummy.up'))).to.equal(false);
  });

  it('disables a service at boot, also turning off its systemd unit offline', async () => {
    const wants = join(root.root, 'etc/systemd/system/multi-user.target.wants/ssh.service');
    expect(await exists(wants)).to.equal(true);
    await assertConverges(planOf([service({ name: 'ssh', enabled: false })]), root.transport, root.tree);
    expect(await exists(wants)).to.equal(false);
    expect((await readdir(join(root.root, 'etc/rc2.d'))).filter((name) => /^S\d\dssh$/.test(name))).to.deep.equal([]);
    await assertConverges(planOf([service({ name: 'ssh', enabled: true })]), root.transport, root.tree);
    expect(await exists(wants)).to.equal(true);
  });

  it('restarted always acts: would-change in check (writing nothing), changed in every apply', async () => {
    const plan = planOf([service({ name: 'bosun-dummy', state: 'restarted' }), service({ name: 'bosun-dummy', state: 'reloaded' })]);
    const check = await checkWritesNothing(plan, root.transport, root.tree);
    expect(statuses(check)).to.deep.equal(['would-change', 'would-change']);
    for (let k = 0; k < 2; k += 1) {
      const apply = await runPlan(plan, root.transport, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'changed']);
    }
  });

  it('a service that does not start is failed with rc 125 (applied, but did not converge)', async () => {
    const apply = await runPlan(planOf([service({ name: 'bosun-broken', state: 'running' })]), root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]!.rc).to.equal(125);
    expect(apply.steps[0]!.output).to.contain('did not converge');
    expect(apply.status).to.equal('failed');
  });

  it('a service that does not exist fails the step', async () => {
    const apply = await runPlan(planOf([service({ name: 'bosun-none', state: 'running' })]), root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]!.rc).to.be.a('number').and.not.equal(0);
  });
});
