import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDirLock } from '../../testing/dir-lock.ts';

describe('testing/dir-lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets one holder in at a time', async () => {
    const lock = join(dir, 'l');
    const events: string[] = [];
    const hold = (name: string) =>
      withDirLock(
        lock,
        async () => {
          events.push(`${name}+`);
          await new Promise((resolve) => setTimeout(resolve, 50));
          events.push(`${name}-`);
        },
        10,
      );
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.[0]).to.equal(events[i + 1]?.[0]);
    }
    expect(events).to.have.length(6);
  });

  it('takes over a lock whose owner died', async () => {
    const lock = join(dir, 'l');
    await mkdir(lock);
    // A pid far above pid_max is never alive.
    await writeFile(join(lock, 'pid'), '999999999');
    expect(await withDirLock(lock, async () => 'ran', 10)).to.equal('ran');
  });
});
