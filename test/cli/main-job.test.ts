import { expect } from 'chai';
import { execa } from 'execa';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { patience } from '../support/patience.ts';

// What the playbook manages on this machine, listed with sizes, modes and mtimes.
const WATCHED = ['/etc/apt/apt.conf.d', '/etc/logrotate.d', '/var/log', '/var/lib'];

async function listing(): Promise<string[]> {
  const rows: string[] = [];
  for (const dir of WATCHED) {
    for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
      const info = await stat(join(dir, name)).catch(() => undefined);
      rows.push(`${dir}/${name} ${info?.size ?? '-'} ${info?.mode.toString(8) ?? '-'} ${info?.mtimeMs ?? '-'}`);
    }
  }
  return rows;
}

describe('the main job: npx bosun check playbooks/baseline.ts (no inventory: this machine) @integration', function () {
  this.timeout(patience(120_000));

  it('runs through the real bin, reports every step of the baseline, and writes nothing', async () => {
    const before = await listing();
    const result = await execa('node', ['bin/bosun.js', 'check', 'playbooks/baseline.ts'], { reject: false });
    const after = await listing();
    expect([0, 2], result.stdout + result.stderr).to.include(result.exitCode);
    expect(result.stdout).to.match(/localhost +package unattended-upgrades logrotate present/);
    expect(result.stdout).to.match(/localhost +file \/etc\/apt\/apt.conf.d\/20auto-upgrades/);
    expect(result.stdout).to.include('RECAP (check)');
    expect(after).to.deep.equal(before);
  });
});
