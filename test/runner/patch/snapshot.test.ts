import { expect } from 'chai';
import type { Host } from '../../../compiler/host.ts';
import { confirmBackup, type SnapshotPolicy } from '../../../runner/patch/snapshot.ts';
import { withAwsEnv } from '../../support/ec2-env.ts';
import { freePort, type MotoServer, startMoto } from '../../support/moto-server.ts';
import { patience } from '../../support/patience.ts';

const HOUR = 3_600_000;

/** Snapshots before patching, through the real SDK client against moto's EC2. */
describe('confirming a backup with EBS snapshots (moto) @integration', function () {
  this.timeout(patience(120_000));
  let moto: MotoServer;

  before(async () => {
    moto = await startMoto();
  });
  after(async () => {
    await moto?.stop();
  });

  const host = (instanceId: string, vars: Record<string, unknown> = {}): Host => ({
    name: 'stats',
    groups: ['all'],
    vars: { instance_id: instanceId, placement: { region: 'us-east-1' }, ...vars },
    connection: { transport: 'local' },
  });
  const policy = (now = new Date()): SnapshotPolicy => ({ maxAgeMs: 24 * HOUR, waitTimeoutMs: 60_000, endpoint: moto.url, now: () => now });
  const confirm = (h: Host, p: SnapshotPolicy) => withAwsEnv({ accessKeyId: 'test', secretAccessKey: 'test' }, () => confirmBackup(h, p));

  /** An instance (moto attaches a root volume; `extra` more), its id and volume ids. */
  const instance = async (extra = 0, tags: Record<string, string> = {}): Promise<{ id: string; volumes: string[] }> => {
    const mappings = Array.from(
      { length: extra },
      (_, i) => `{'DeviceName': '/dev/sd${String.fromCharCode(102 + i)}', 'Ebs': {'VolumeSize': 1}}`,
    );
    const tagSpec =
      Object.keys(tags).length === 0
        ? ''
        : `, TagSpecifications=[{'ResourceType': 'instance', 'Tags': ${JSON.stringify(Object.entries(tags).map(([Key, Value]) => ({ Key, Value })))}}]`;
    const out = await moto.python(
      // ami-12c6146b is one of moto's own images (listing them is slow).
      `i = ec2.run_instances(ImageId='ami-12c6146b', MinCount=1, MaxCount=1, BlockDeviceMappings=[{'DeviceName': '/dev/sda1', 'Ebs': {'VolumeSize': 8}}, ${mappings.join(', ')}]${tagSpec})['Instances'][0]\n` +
        `print(i['InstanceId'], *[m['Ebs']['VolumeId'] for m in i['BlockDeviceMappings']])`,
    );
    const [id, ...volumes] = out.split(' ');
    return { id: id!, volumes };
  };
  const snapshotsOf = async (volume: string): Promise<{ SnapshotId: string; State: string; Tags: { Key: string; Value: string }[] }[]> =>
    JSON.parse(
      await moto.python(
        `import json\nprint(json.dumps(ec2.describe_snapshots(OwnerIds=['self'], Filters=[{'Name': 'volume-id', 'Values': ['${volume}']}])['Snapshots'], default=str))`,
      ),
    );

  it('an existing young snapshot confirms the backup: nothing is created', async () => {
    const { id, volumes } = await instance();
    const seeded = await moto.python(`print(ec2.create_snapshot(VolumeId='${volumes[0]}', Description='nightly')['SnapshotId'])`);
    const outcome = await confirm(host(id), policy());
    expect(outcome.ok, JSON.stringify(outcome)).to.equal(true);
    expect(outcome.volumes).to.have.length(1);
    expect(outcome.volumes[0]).to.include({ volumeId: volumes[0], snapshotId: seeded, created: false });
    expect(await snapshotsOf(volumes[0]!)).to.have.length(1);
  });

  it('an old snapshot does not count: a new one is created and waited for', async () => {
    const { id, volumes } = await instance();
    const seeded = await moto.python(`print(ec2.create_snapshot(VolumeId='${volumes[0]}', Description='last week')['SnapshotId'])`);
    // Two days on, the seeded snapshot is older than the policy's 24 hours.
    const outcome = await confirm(host(id), policy(new Date(Date.now() + 48 * HOUR)));
    expect(outcome.ok, JSON.stringify(outcome)).to.equal(true);
    expect(outcome.volumes[0]!.created).to.equal(true);
    expect(outcome.volumes[0]!.snapshotId)
      .to.match(/^snap-/)
      .and.not.equal(seeded);
    expect((await snapshotsOf(volumes[0]!)).map((s) => s.SnapshotId).sort()).to.deep.equal([seeded, outcome.volumes[0]!.snapshotId].sort());
  });

  it("an older snapshot that the instance's schedule (scheduler:ebs-snapshot) took on its latest run still confirms", async () => {
    const taken = new Date();
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][taken.getUTCDay()];
    const hhmm = `${String(taken.getUTCHours()).padStart(2, '0')}${String(taken.getUTCMinutes()).padStart(2, '0')}`;
    // A weekly schedule, whose latest run is the one that took this snapshot.
    const { id, volumes } = await instance(0, { 'scheduler:ebs-snapshot': `${hhmm};28;utc;${day}` });
    const seeded = await moto.python(`print(ec2.create_snapshot(VolumeId='${volumes[0]}', Description='weekly')['SnapshotId'])`);
    const outcome = await confirm(host(id), policy(new Date(taken.getTime() + 48 * HOUR)));
    expect(outcome.ok, JSON.stringify(outcome)).to.equal(true);
    expect(outcome.volumes[0]).to.include({ snapshotId: seeded, created: false });
  });

  it('no snapshot at all: one per attached volume is created, tagged, and complete when confirmed', async () => {
    const { id, volumes } = await instance(1, { 'scheduler:ebs-snapshot': '0100;7;utc;all' });
    expect(volumes).to.have.length(2);
    const outcome = await confirm(host(id), policy());
    expect(outcome.ok, JSON.stringify(outcome)).to.equal(true);
    expect(outcome.schedule).to.equal('0100;7;utc;all');
    expect(outcome.volumes.map((v) => v.volumeId).sort()).to.deep.equal([...volumes].sort());
    for (const volume of outcome.volumes) {
      expect(volume.created).to.equal(true);
      const [made] = await snapshotsOf(volume.volumeId);
      expect(made).to.include({ SnapshotId: volume.snapshotId, State: 'completed' });
      expect(made!.Tags).to.deep.include({ Key: 'bosun:patch', Value: 'stats' });
    }
  });

  it("an API error (an instance EC2 does not know) is the host's reason, with EC2's code", async () => {
    const outcome = await confirm(host('i-0000000000000dead'), policy());
    expect(outcome.ok).to.equal(false);
    if (outcome.ok) return;
    expect(outcome.reason).to.match(
      /^EC2 DescribeInstances failed for i-0000000000000dead in us-east-1: InvalidInstanceID\.NotFound \(HTTP 400\)/,
    );
  });

  it('an endpoint that refuses connections is a reason too, not a crash', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const outcome = await confirm(host('i-0123'), { ...policy(), endpoint: closed, maxAttempts: 1 });
    expect(outcome.ok).to.equal(false);
    if (outcome.ok) return;
    expect(outcome.reason).to.match(/EC2 DescribeInstances failed for i-0123 in us-east-1: .*ECONNREFUSED/);
  });

  it('a host that is not an EC2 instance, or has no region, cannot confirm a backup', async () => {
    const plain: Host = { name: 'web', groups: ['all'], vars: {}, connection: { transport: 'local' } };
    const none = await confirm(plain, policy());
    expect(none.ok === false && none.reason).to.match(/no instance_id: not an EC2 instance/);
    const noRegion = await confirm({ ...plain, vars: { instance_id: 'i-1' } }, policy());
    expect(noRegion.ok === false && noRegion.reason).to.match(/instance i-1: no region/);
  });
});
