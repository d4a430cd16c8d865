import { expect } from 'chai';
import type { Host } from '../../../compiler/host.ts';
import { alarmsExitCode, ensureStatusAlarms } from '../../../runner/cloudwatch/ensure-alarms.ts';
import { type AlarmTarget, alarmChanges, alarmTargets, DEFAULT_POLICY, desiredAlarm } from '../../../runner/cloudwatch/status-alarm.ts';
import { withAwsEnv } from '../../support/ec2-env.ts';
import { type MotoServer, startMoto } from '../../support/moto.ts';
import { patience } from '../../support/patience.ts';

const host = (name: string, vars: Record<string, unknown>): Host => ({ name, groups: ['all'], vars, connection: { transport: 'local' } });

describe('StatusCheckFailed alarms: targets and differences', () => {
  it('takes EC2 hosts of the inventory, and says why it leaves out the others', () => {
    const { targets, skipped } = alarmTargets([
      host('master', { instance_id: 'i-0aaa', placement: { region: 'us-east-1' } }),
      host('stats', { instance_id: 'i-0bbb', ec2_region: 'eu-west-1' }),
      host('laptop', {}),
      host('lost', { instance_id: 'i-0ccc' }),
    ]);
    expect(targets).to.deep.equal([
      { host: 'master', instanceId: 'i-0aaa', region: 'us-east-1' },
      { host: 'stats', instanceId: 'i-0bbb', region: 'eu-west-1' },
    ]);
    expect(skipped.map((each) => each.host)).to.deep.equal(['laptop', 'lost']);
    expect(skipped[1]!.reason).to.contain('no region');
  });

  it('a missing alarm differs in every field; an equal one in none, whatever the order of its actions', () => {
    const target = { host: 'master', instanceId: 'i-0aaa', region: 'us-east-1' };
    const desired = desiredAlarm(target, { ...DEFAULT_POLICY, alarmActions: ['arn:b', 'arn:a'] });
    expect(alarmChanges(undefined, desired).map((change) => change.field)).to.include.members(['MetricName', 'Dimensions', 'Threshold']);
    expect(alarmChanges({ ...desired, AlarmActions: ['arn:b', 'arn:a'] } as never, desired)).to.deep.equal([]);
    expect(alarmChanges({ ...desired, Threshold: 2 } as never, desired)).to.deep.equal([{ field: 'Threshold', before: 2, after: 1 }]);
  });
});

/** The real CloudWatch SDK client against moto's server; boto3 seeds and reads back beside it. */
describe('StatusCheckFailed alarms against CloudWatch (moto) @integration', function () {
  this.timeout(patience(120_000));
  let moto: MotoServer;
  const cw = (code: string) =>
    moto.python(
      `import json\ncw = boto3.client('cloudwatch', endpoint_url='${moto.url}', region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')\n${code}`,
    );
  const alarms = async (): Promise<Record<string, unknown>[]> =>
    JSON.parse(
      await cw(
        `print(json.dumps(cw.describe_alarms(AlarmNamePrefix='status-check-failed-')['MetricAlarms'], default=str, sort_keys=True))`,
      ),
    );
  const ensure = (targets: AlarmTarget[], mode: 'check' | 'apply', alarmActions: string[] = []) =>
    withAwsEnv({ accessKeyId: 'test', secretAccessKey: 'test' }, () =>
      ensureStatusAlarms(targets, { mode, policy: { ...DEFAULT_POLICY, alarmActions }, endpoint: moto.url }),
    );
  const targets: AlarmTarget[] = [
    { host: 'master', instanceId: 'i-0123456789abcdef0', region: 'us-east-1' },
    { host: 'support', instanceId: 'i-0123456789abcdef1', region: 'us-east-1' },
    { host: 'stats', instanceId: 'i-0123456789abcdef2', region: 'us-east-1' },
  ];
  const topic = 'arn:aws:sns:us-east-1:123456789012:ops';

  before(async () => {
    moto = await startMoto();
    // master has no alarm; support has one by hand with another threshold; stats has the one bosun would put.
    const stats = desiredAlarm(targets[2]!, { ...DEFAULT_POLICY, alarmActions: [topic] });
    await cw(
      [
        `cw.put_metric_alarm(AlarmName='status-check-failed-i-0123456789abcdef1', Namespace='AWS/EC2', MetricName='StatusCheckFailed', Dimensions=[{'Name': 'InstanceId', 'Value': 'i-0123456789abcdef1'}], Statistic='Maximum', Period=300, EvaluationPeriods=1, Threshold=2, ComparisonOperator='GreaterThanOrEqualToThreshold')`,
        `cw.put_metric_alarm(**json.loads(${JSON.stringify(JSON.stringify(stats))}))`,
      ].join('\n'),
    );
  });
  after(() => moto?.stop());

  it('check describes only: the missing and the different alarm would change, with what differs; CloudWatch is as it was', async () => {
    const before = await alarms();
    const results = await ensure(targets, 'check', [topic]);
    expect(results.map((result) => result.status)).to.deep.equal(['would-change', 'would-change', 'ok']);
    expect(results[1]!.changes).to.deep.include({ field: 'Threshold', before: 2, after: 1 });
    expect(results[1]!.changes).to.deep.include({ field: 'Period', before: 300, after: 60 });
    expect(alarmsExitCode(results)).to.equal(2);
    expect(await alarms()).to.deep.equal(before);
  });

  it('apply puts only what differs; then check and apply again find nothing to do', async () => {
    const before = await alarms();
    const results = await ensure(targets, 'apply', [topic]);
    expect(results.map((result) => result.status)).to.deep.equal(['changed', 'changed', 'ok']);
    expect(alarmsExitCode(results)).to.equal(0);
    const after = await alarms();
    const stats = (list: Record<string, unknown>[]) => list.find((alarm) => alarm.AlarmName === 'status-check-failed-i-0123456789abcdef2');
    // The alarm that was already right was not put again.
    expect(stats(after)).to.deep.equal(stats(before));
    const master = after.find((alarm) => alarm.AlarmName === 'status-check-failed-i-0123456789abcdef0')!;
    expect(master).to.include({ MetricName: 'StatusCheckFailed', Namespace: 'AWS/EC2', Threshold: 1, EvaluationPeriods: 2, Period: 60 });
    expect(master.Dimensions).to.deep.equal([{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }]);
    expect(master.AlarmActions).to.deep.equal([topic]);
    for (const mode of ['check', 'apply'] as const) {
      expect((await ensure(targets, mode, [topic])).map((result) => result.status)).to.deep.equal(['ok', 'ok', 'ok']);
    }
    expect(await alarms()).to.deep.equal(after);
  });

  it('a CloudWatch it cannot reach fails those instances with the call and the reason', async () => {
    const results = await withAwsEnv({ accessKeyId: 'test', secretAccessKey: 'test' }, () =>
      ensureStatusAlarms(targets.slice(0, 1), { mode: 'check', policy: DEFAULT_POLICY, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
    );
    expect(results[0]!.status).to.equal('failed');
    expect(results[0]!.error).to.match(/^DescribeAlarms in us-east-1: /);
    expect(alarmsExitCode(results)).to.equal(4);
  });
});
