import { expect } from 'chai';
import fc from 'fast-check';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unarchive } from '../../index.ts';
import { makeArchive } from '../support/archives.ts';
import { fileName, shellText } from '../support/arbitraries.ts';
import { type AbsolutePath, type ChrootRoot, chrootRoot, explain, planOf, runPlan, statuses, tempDir } from '../support/plan-harness.ts';
import { propertyRuns, propertyTimeout } from '../support/property-runs.ts';

// unarchive records what it extracted under /var/lib/bosun, so it runs in a Debian root, never on this machine.
describe('compiler: random entry names, bytes and directories through unarchive come back byte-exact (property, chroot) @integration', function () {
  this.timeout(propertyTimeout(300_000));
  let root: ChrootRoot;
  let src: AbsolutePath;
  let dispose: () => Promise<void>;
  before(async () => {
    root = await chrootRoot();
    ({ dir: src, dispose } = await tempDir());
  });
  after(async () => {
    await root?.dispose();
    await dispose?.();
  });

  it('a tar.gz of random names and bytes, into a directory of a random name', async () => {
    let run = 0;
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      shellText.map((text) => Buffer.from(text, 'utf8')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fileName, fileName, bytes), { minLength: 3, maxLength: 3 }), fileName, async (entries, into) => {
        run += 1;
        // Each entry in its own directory: two random names must not collide.
        const files = Object.fromEntries(entries.map(([dir, name, content], k) => [`${k}-${dir}/${name}`, content]));
        const archive = `${src}/${run}.tar.gz` as AbsolutePath;
        await writeFile(archive, await makeArchive('tar.gz', files));
        const path = `/srv/${run}-${into}` as AbsolutePath;
        const plan = planOf([unarchive({ src: archive, path })]);
        const apply = await runPlan(plan, root.transport, 'apply');
        expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
        for (const [name, content] of Object.entries(files)) {
          expect((await readFile(join(root.root, path, name))).equals(Buffer.from(content)), name).to.equal(true);
        }
        const again = await runPlan(plan, root.transport, 'apply');
        expect(statuses(again), explain(again)).to.deep.equal(['ok']);
      }),
      propertyRuns(12),
    );
  });
});
