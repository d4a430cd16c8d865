import { expect } from 'chai';
import { ChrootTransport } from '../../runner/chroot-transport.ts';
import { file } from '../../index.ts';
import { chrootRoot, planOf, runPlan, statuses, type ChrootRoot } from '../support/plan-harness.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { patience } from '../support/patience.ts';

describe('runner/chroot-transport @integration', function () {
  this.timeout(patience(60_000));
  let root: ChrootRoot;
  before(async () => (root = await chrootRoot()));
  after(() => root?.dispose());

  it('runs the script inside the root with a fixed environment of its own', async () => {
    process.env.BOSUN_TEST_LEAK = 'leaked';
    const lines: string[] = [];
    try {
      const outcome = await root.transport.run({
        script: 'cat /etc/debian_version; echo "$1"; echo "path=$PATH lang=$LC_ALL leak=${BOSUN_TEST_LEAK:-none}"',
        mode: 'apply',
        onLine: (line) => lines.push(line),
      });
      expect(outcome.exitCode).to.equal(0);
    } finally {
      delete process.env.BOSUN_TEST_LEAK;
    }
    expect(lines[0]).to.match(/^12\.\d+$/);
    expect(lines.slice(1)).to.deep.equal([
      'apply',
      'path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin lang=C.UTF-8 leak=none',
    ]);
  });

  it('writes inside the root only', async () => {
    const apply = await runPlan(planOf([file({ path: '/etc/bosun-chroot-test', content: 'inside\n' })]), root.transport, 'apply');
    expect(statuses(apply)).to.deep.equal(['changed']);
    expect(await readFile(join(root.root, 'etc/bosun-chroot-test'), 'utf8')).to.equal('inside\n');
    expect(await readFile('/etc/bosun-chroot-test', 'utf8').catch(() => 'absent')).to.equal('absent');
  });

  it('a root that does not exist is unreachable: nothing ran', async () => {
    const run = await runPlan(planOf([file({ path: '/etc/x', content: 'x' })]), new ChrootTransport('/nonexistent/bosun-root'), 'apply');
    expect(run.status).to.equal('unreachable');
    expect(run.steps).to.deep.equal([]);
    expect(run.reason).to.contain('/nonexistent/bosun-root');
  });
});
