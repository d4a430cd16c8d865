import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../compiler/errors.ts';
import { type CloudwatchMetricsProps, cloudwatchMetrics, metricsScript, SCRIPT_PATH } from '../../roles/cloudwatch/index.ts';
import { assertConverges, compileRole, type DebianRoot, debianRoot, renderChecked, shellcheck, testHost } from '../../testing/index.ts';
import { testBaseRecipe } from '../support/debian-base.ts';
import { type MotoServer, startMoto } from '../support/moto.ts';
import { patience } from '../support/patience.ts';

const plan = (props?: CloudwatchMetricsProps) => compileRole(cloudwatchMetrics(props), { host: testHost() });
const scriptOf = (props?: CloudwatchMetricsProps) => plan(props).steps.find((step) => step.diff?.path === SCRIPT_PATH)!.diff!.desired!;

describe('roles/cloudwatch', () => {
  it('installs the aws CLI, writes the script and an /etc/cron.d entry every 5 minutes', () => {
    const compiled = plan();
    expect(compiled.steps.map((step) => step.name)).to.deep.equal([
      'package awscli curl cron present',
      `file ${SCRIPT_PATH}`,
      'cron /etc/cron.d/cloudwatch-metrics',
    ]);
    const cron = compiled.steps[2]!.diff?.desired;
    expect(cron).to.contain(`*/5 * * * * root ${SCRIPT_PATH} 2>&1 | logger -t cloudwatch-metrics`);
    renderChecked(compiled);
  });

  it('the metrics script passes shellcheck, with and without the instance and region given', () => {
    shellcheck(scriptOf(), 'the metrics script (values from the metadata service)');
    shellcheck(scriptOf({ region: 'us-east-1', instanceId: 'i-0123456789abcdef0', paths: ['/', '/var'] }), 'the metrics script');
  });

  it('absent removes the job and the script', () => {
    expect(plan({ state: 'absent' }).steps.map((step) => step.name)).to.deep.equal([
      'cron /etc/cron.d/cloudwatch-metrics absent',
      `absent ${SCRIPT_PATH}`,
    ]);
  });

  describe('refused input names the field', () => {
    const cases: [string, unknown, RegExp][] = [
      ['an unknown parameter', { interval: 5 }, /interval/],
      ['a region that is not one', { region: 'virginia' }, /^cloudwatchMetrics\.region$/],
      ['an instance id that is not one', { instanceId: 'master' }, /^cloudwatchMetrics\.instanceId$/],
      ['a relative path', { paths: ['var'] }, /^cloudwatchMetrics\.paths\[0\]$/],
      ['a path with a comma', { paths: ['/a,b'] }, /^cloudwatchMetrics\.paths\[0\]$/],
      ['no path', { paths: [] }, /^cloudwatchMetrics\.paths$/],
      ['minutes that do not divide an hour', { everyMinutes: 7 }, /^cloudwatchMetrics\.everyMinutes$/],
      ['a bad user', { user: 'Root User' }, /^cloudwatchMetrics\.user$/],
      ['an endpoint that is no URL', { endpointUrl: 'cloudwatch' }, /^cloudwatchMetrics\.endpointUrl$/],
    ];
    for (const [what, props, field] of cases) {
      it(what, () => {
        expect(() => plan(props as CloudwatchMetricsProps))
          .to.throw(ValidationError)
          .with.property('field')
          .that.matches(field);
      });
    }
  });
});

/** The script as cron runs it, with this machine's aws CLI, sending to moto's CloudWatch; boto3 reads back. */
describe('roles/cloudwatch: the metrics script against CloudWatch (moto) @integration', function () {
  this.timeout(patience(120_000));
  let moto: MotoServer;
  before(async () => {
    moto = await startMoto();
  });
  after(() => moto?.stop());

  it("puts MemoryUtilization and DiskSpaceUtilization of each path, with the dimensions of AWS's scripts", async () => {
    const script = metricsScript({
      namespace: 'System/Linux',
      region: 'us-east-1',
      instanceId: 'i-0123456789abcdef0',
      paths: ['/', '/tmp'],
      endpointUrl: moto.url,
    });
    const env = {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };
    const run = await execa('sh', ['-c', script], { env, reject: false, all: true });
    expect(run.exitCode, run.all).to.equal(0);
    const metrics = JSON.parse(
      await moto.python(
        `import json\ncw = boto3.client('cloudwatch', endpoint_url='${moto.url}', region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')\n` +
          `print(json.dumps(sorted([[m['MetricName'], sorted((d['Name'], d['Value']) for d in m['Dimensions'])] for m in cw.list_metrics(Namespace='System/Linux')['Metrics']])))`,
      ),
    ) as [string, [string, string][]][];
    expect(metrics.map(([name]) => name).sort()).to.deep.equal(['DiskSpaceUtilization', 'DiskSpaceUtilization', 'MemoryUtilization']);
    expect(metrics.find(([name]) => name === 'MemoryUtilization')![1]).to.deep.equal([['InstanceId', 'i-0123456789abcdef0']]);
    const mounts = metrics.filter(([name]) => name === 'DiskSpaceUtilization').map(([, dims]) => Object.fromEntries(dims).MountPath);
    const expected = (await execa('sh', ['-c', "df -P / /tmp | awk 'NR > 1 { print $6 }'"])).stdout.split('\n');
    expect(mounts.sort()).to.deep.equal(expected.sort());
    const value = await moto.python(
      `cw = boto3.client('cloudwatch', endpoint_url='${moto.url}', region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')\n` +
        `import datetime\nnow = datetime.datetime.now(datetime.timezone.utc)\n` +
        `r = cw.get_metric_statistics(Namespace='System/Linux', MetricName='MemoryUtilization', Dimensions=[{'Name': 'InstanceId', 'Value': 'i-0123456789abcdef0'}], StartTime=now - datetime.timedelta(hours=1), EndTime=now + datetime.timedelta(hours=1), Period=3600, Statistics=['Maximum'])\n` +
        `print(r['Datapoints'][0]['Maximum'])`,
    );
    expect(Number(value)).to.be.greaterThan(0).and.at.most(100);
  });
});

// The role on a Debian root: cron from apt, the script and its /etc/cron.d entry (which cron's own
// parser reads: the cron resource checks it), converging, check mode writing nothing.
describe('roles/cloudwatch (chroot of Debian bookworm) @integration', function () {
  this.timeout(patience(10 * 60_000));
  let root: DebianRoot;
  after(() => root?.dispose());

  it('converges, and removing it converges too', async () => {
    root = await debianRoot(testBaseRecipe());
    const present = compileRole(cloudwatchMetrics({ packages: ['cron'], region: 'us-east-1' }), { host: root.host });
    await assertConverges(present, root);
    expect(await readFile(join(root.root, 'etc/cron.d/cloudwatch-metrics'), 'utf8')).to.contain(`*/5 * * * * root ${SCRIPT_PATH}`);
    expect((await stat(join(root.root, SCRIPT_PATH.slice(1)))).mode & 0o777).to.equal(0o755);
    await assertConverges(compileRole(cloudwatchMetrics({ state: 'absent' }), { host: root.host }), root);
    expect(existsSync(join(root.root, 'etc/cron.d/cloudwatch-metrics'))).to.equal(false);
  });
});
