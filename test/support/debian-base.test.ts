import { expect } from 'chai';
import { execa } from 'execa';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDebianBase, ensureDebianBaseInfo, makeOverlayRoot, withOverlayRoot } from './debian-base.ts';
import { patience } from './patience.ts';

describe('test/support/debian-base @integration', function () {
  // A cold build runs debootstrap (about a minute); a warm one is instant.
  this.timeout(patience(15 * 60_000));

  it('builds one base for concurrent callers and reuses it', async () => {
    const [a, b] = await Promise.all([ensureDebianBase(), ensureDebianBase()]);
    expect(a).to.equal(b);
    expect(await readFile(join(a, 'etc/debian_version'), 'utf8')).to.match(/^12\./);
  });

  it('has no host keys, an authorized test key and the test users', async () => {
    const base = await ensureDebianBaseInfo();
    const hostKeys = await execa('sh', ['-c', 'ls "$1"/etc/ssh/ | grep -c ssh_host_ || true', 'sh', base.root]);
    expect(hostKeys.stdout.trim()).to.equal('0');
    const authorized = await readFile(join(base.root, 'root/.ssh/authorized_keys'), 'utf8');
    expect(authorized.trim()).to.equal(base.publicKey);
    const sudoers = await readFile(join(base.root, 'etc/sudoers.d/bosun-test'), 'utf8');
    expect(sudoers).to.contain('deploy ALL=(ALL:ALL) NOPASSWD: ALL');
    await access(base.privateKeyFile);
  });

  it('gives a chroot-able overlay whose writes never reach the base', async () => {
    const base = await ensureDebianBase();
    await withOverlayRoot(async (root) => {
      const result = await execa('chroot', [root, 'sh', '-c', 'cat /etc/debian_version']);
      expect(result.stdout).to.match(/^12\.\d+$/);
      await writeFile(join(root, 'etc/overlay-marker'), 'x');
      await access(join(root, 'etc/overlay-marker'));
    });
    const leaked = await access(join(base, 'etc/overlay-marker')).then(
      () => true,
      () => false,
    );
    expect(leaked).to.equal(false);
  });

  it('unmounts and removes the overlay on dispose', async () => {
    const overlay = await makeOverlayRoot();
    await overlay.dispose();
    await overlay.dispose();
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    expect(mounts).not.to.contain(overlay.root);
    const left = await access(overlay.dir).then(
      () => true,
      () => false,
    );
    expect(left).to.equal(false);
  });
});
