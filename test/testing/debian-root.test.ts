import { expect } from 'chai';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { directory, role } from '../../index.ts';
import { compileRole, debianRoot, runPlan, statuses } from '../../testing/index.ts';
import { testBaseRecipe } from '../support/debian-base.ts';
import { patience } from '../support/patience.ts';

describe('testing/debian-root: a disposable Debian root entered with chroot @integration', function () {
  // The first use of a recipe runs debootstrap; bosun's own test base is usually cached.
  this.timeout(patience(15 * 60_000));

  it('runs plans inside, lists only what was written, and is gone after dispose', async () => {
    const root = await debianRoot(testBaseRecipe());
    try {
      expect(await readFile(join(root.root, 'etc/debian_version'), 'utf8')).to.match(/^12\./);
      expect(root.host.connection).to.deep.equal({ transport: 'chroot', root: root.root });
      const before = await root.tree();
      const run = await runPlan(
        compileRole(role({ name: 'r', resources: [directory({ path: '/srv/app' })] }), { host: root.host }),
        root.transport,
        'apply',
      );
      expect(statuses(run)).to.deep.equal(['changed']);
      const after = await root.tree();
      expect(after.filter((line) => !before.includes(line)).some((line) => line.startsWith('"/srv/app" d '))).to.equal(true);
      await writeFile(join(root.root, 'marker'), 'x');
      expect((await root.tree()).some((line) => line.startsWith('"/marker" f '))).to.equal(true);
    } finally {
      await root.dispose();
      await root.dispose();
    }
    const left = await access(root.dir).then(
      () => true,
      () => false,
    );
    expect(left).to.equal(false);
  });
});
