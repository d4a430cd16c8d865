import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { unattendedUpgrades } from '../../roles/unattended-upgrades/index.ts';

interface PeerTask {
  readonly name: string;
  readonly 'ansible.builtin.copy'?: { readonly dest: string; readonly content: string; readonly mode: string };
  readonly 'ansible.builtin.file'?: { readonly path: string; readonly mode: string };
}

/**
 * The bench compares bosun with Ansible on the same desired state: bench/ansible/baseline.yml
 * must say what playbooks/baseline.ts (the unattended-upgrades role with its defaults) says,
 * file for file. The bench checks it on real hosts at its end; this finds a drift (a change to
 * the role that the peer did not follow) without a fleet.
 */
describe('bench/ansible/baseline.yml: the Ansible peer of playbooks/baseline.ts', () => {
  it('writes the same files, with the same content and mode, and makes the same directories', async () => {
    const [play] = parse(await readFile(new URL('../../bench/ansible/baseline.yml', import.meta.url), 'utf8')) as [{ tasks: PeerTask[] }];
    const peerFiles = new Map(
      play.tasks.flatMap((t) => (t['ansible.builtin.copy'] ? [[t['ansible.builtin.copy'].dest, t['ansible.builtin.copy']]] : [])),
    );
    const peerDirs = new Map(
      play.tasks.flatMap((t) => (t['ansible.builtin.file'] ? [[t['ansible.builtin.file'].path, t['ansible.builtin.file']]] : [])),
    );
    const role = unattendedUpgrades();
    const files = role.resources.filter((r) => r.type === 'file');
    const dirs = role.resources.filter((r) => r.type === 'directory');
    expect([...peerFiles.keys()]).to.have.members(files.map((f) => f.path));
    expect([...peerDirs.keys()]).to.have.members(dirs.map((d) => d.path));
    for (const file of files) {
      const peer = peerFiles.get(file.path)!;
      expect(peer.content, file.path).to.equal(file.content);
      expect(peer.mode, file.path).to.equal(file.mode ?? '0644');
    }
    for (const dir of dirs) expect(peerDirs.get(dir.path)!.mode, dir.path).to.equal(dir.mode ?? '0755');
  });
});
