import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.ts';
import { withAwsEnv } from '../support/ec2-env.ts';
import { type MotoServer, startMoto } from '../support/moto.ts';
import { patience } from '../support/patience.ts';

/** `bosun alarms check | apply` from an inventory, against moto's CloudWatch. */
describe('cli: bosun alarms (moto) @integration', function () {
  this.timeout(patience(120_000));
  let moto: MotoServer;
  let dir: string;
  let inventory: string;

  before(async () => {
    moto = await startMoto();
    dir = await mkdtemp(join(tmpdir(), 'bosun-alarms-'));
    inventory = join(dir, 'hosts.yml');
    // What the EC2 inventory sets on each host: instance_id and placement.region; a host without them is skipped.
    await writeFile(
      inventory,
      [
        'all:',
        '  hosts:',
        '    master: { instance_id: i-0123456789abcdef0, placement: { region: us-east-1 } }',
        '    support: { instance_id: i-0123456789abcdef1, placement: { region: us-east-1 } }',
        '    laptop: {}',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await moto?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const bosun = async (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await withAwsEnv({ accessKeyId: 'test', secretAccessKey: 'test' }, () =>
      main(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false }),
    );
    return { code, stdout, stderr };
  };

  it('check exits 2 and lists what it would put; apply puts them; check then exits 0', async () => {
    const flags = ['-i', inventory, '--endpoint', moto.url, '--alarm-action', 'arn:aws:sns:us-east-1:123456789012:ops'];
    const check = await bosun(['alarms', 'check', ...flags]);
    expect(check.code, check.stderr).to.equal(2);
    expect(check.stdout).to.match(/^would-change +master i-0123456789abcdef0 status-check-failed-i-0123456789abcdef0$/m);
    expect(check.stdout).to.contain('    MetricName: (none) -> "StatusCheckFailed"');
    expect(check.stderr).to.contain('skipping laptop: no instance_id');
    const apply = await bosun(['alarms', 'apply', ...flags, '--json', join(dir, 'apply.json')]);
    expect(apply.code, apply.stderr).to.equal(0);
    expect(apply.stdout).to.contain('alarms: ok=0 would-change=0 changed=2 failed=0');
    const report = JSON.parse(await readFile(join(dir, 'apply.json'), 'utf8'));
    expect(report.alarms.map((alarm: { status: string }) => alarm.status)).to.deep.equal(['changed', 'changed']);
    const again = await bosun(['alarms', 'check', ...flags]);
    expect(again.code, again.stdout).to.equal(0);
    expect(again.stdout).to.contain('alarms: ok=2 would-change=0 changed=0 failed=0');
  });
});
