import { expect } from 'chai';
import { LoadError } from '../../../compiler/errors.ts';
import { loadInventories, type Inventory } from '../../../inventory/index.ts';
import { Ec2Endpoint, type FakeInstance } from '../../support/ec2-endpoint.ts';
import { withAwsEnv } from '../../support/ec2-env.ts';
import { rejection, removeTrees, writeTree } from '../temp-tree.ts';

const KEYS = { accessKeyId: 'AKIDBOSUNTEST', secretAccessKey: 'not-a-secret' };

// Nine instances in us-east-1 (one terminated, one stopped), two in eu-west-1.
const east: FakeInstance[] = [
  {
    id: 'i-0a01',
    type: 'm5.large',
    az: 'us-east-1a',
    privateIp: '10.0.1.1',
    privateDns: 'ip-10-0-1-1.ec2.internal',
    publicIp: '54.0.0.1',
    tags: { Name: 'web-1', Role: 'web', Env: 'prod', 'scheduler:ebs-snapshot': 'daily 03:00' },
    volumes: ['vol-0a01', 'vol-0a02'],
  },
  { id: 'i-0a02', az: 'us-east-1b', privateIp: '10.0.1.2', tags: { Name: 'web-1', Role: 'web', Env: 'prod' }, volumes: ['vol-0b01'] },
  { id: 'i-0a03', privateIp: '10.0.1.3', tags: { Name: 'web-2', Role: 'web', Env: 'prod' } },
  { id: 'i-0a04', privateIp: '10.0.2.1', tags: { Name: 'db-1', Role: 'db', Env: 'prod' } },
  { id: 'i-0a05', privateIp: '10.0.2.2', state: 'stopped', tags: { Name: 'db-2', Role: 'db', Env: 'prod' } },
  { id: 'i-0a06', privateIp: '10.0.3.1', tags: { Name: 'web-3', Role: 'web', Env: 'staging' } },
  { id: 'i-0a07', privateIp: '10.0.3.2', privateDns: 'ip-10-0-3-2.ec2.internal', tags: { Role: 'worker', Env: 'prod' } },
  { id: 'i-0a08', privateIp: '10.0.3.3', tags: { Name: 'gone', Role: 'web', Env: 'prod' }, state: 'terminated' },
  { id: 'i-0a09', privateIp: '10.0.3.4', tags: { Name: 'web-4', Role: 'web', Env: 'prod' } },
];
const west: FakeInstance[] = [
  { id: 'i-0b01', az: 'eu-west-1a', privateIp: '10.1.0.1', tags: { Name: 'web-eu', Role: 'web', Env: 'prod' } },
  { id: 'i-0b02', az: 'eu-west-1b', publicIp: '34.0.0.9', tags: { Env: 'prod' } },
];

describe('inventory/ec2: aws_ec2 configs against a local EC2 Query API endpoint', () => {
  let endpoint: Ec2Endpoint;
  beforeEach(async () => {
    endpoint = await Ec2Endpoint.start({
      regions: { 'us-east-1': east, 'eu-west-1': west },
      pageSize: 2,
      accessKeys: [KEYS.accessKeyId, 'AKIDREADONLY'],
      deniedKeys: ['AKIDREADONLY'],
    });
  });
  afterEach(async () => {
    await endpoint.close();
    removeTrees();
  });

  /** Writes an aws_ec2 config pointing at the endpoint and loads it with dummy credentials. */
  function config(body: string, extra: Record<string, string> = {}): string {
    return `${writeTree({ 'fleet.aws_ec2.yml': `plugin: amazon.aws.aws_ec2\nendpoint: ${endpoint.url}\n${body}`, ...extra })}/fleet.aws_ec2.yml`;
  }
  const load = (file: string, keys = KEYS): Promise<Inventory> => withAwsEnv(keys, () => loadInventories([file], {}));

  it('follows NextToken over several pages, sends the filters, and finds instances by tag', async () => {
    const file = config('regions: [us-east-1]\nfilters:\n  tag:Env: prod\n  instance-state-name: running\n');
    const inventory = await load(file);
    expect(inventory.hosts().map((h) => h.name)).to.deep.equal([
      'web-1_i-0a01',
      'web-1_i-0a02',
      'web-2',
      'db-1',
      'ip-10-0-3-2.ec2.internal',
      'web-4',
    ]);
    // Six matches at two per page: three requests, the last two carrying the previous page's token.
    expect(endpoint.requests).to.have.length(3);
    expect(endpoint.requests[0]!.params).to.include({
      Action: 'DescribeInstances',
      'Filter.1.Name': 'tag:Env',
      'Filter.1.Value.1': 'prod',
      'Filter.2.Name': 'instance-state-name',
      'Filter.2.Value.1': 'running',
    });
    expect(endpoint.requests[0]!.params.NextToken).to.equal(undefined);
    expect(endpoint.requests[1]!.params.NextToken).to.be.a('string');
    expect(endpoint.requests[2]!.params.NextToken).to.be.a('string').and.not.equal(endpoint.requests[1]!.params.NextToken);
    expect(endpoint.requests.every((r) => r.region === 'us-east-1' && r.accessKeyId === KEYS.accessKeyId)).to.equal(true);
  });

  it('keeps two instances with the same Name tag as two hosts', async () => {
    const inventory = await load(config('regions: [us-east-1]\n'));
    const twins = inventory.select('web-1_*');
    expect(twins.map((h) => h.vars.instance_id)).to.deep.equal(['i-0a01', 'i-0a02']);
    expect(twins.map((h) => h.connection)).to.deep.equal([
      { transport: 'ssh', address: '10.0.1.1' },
      { transport: 'ssh', address: '10.0.1.2' },
    ]);
  });

  it('gives the instance as host vars: id, type, AZ, addresses, tags, volumes, snapshot schedule', async () => {
    const inventory = await load(config('regions: [us-east-1]\n'));
    const vars = inventory.host('web-1_i-0a01')!.vars;
    expect(vars).to.include({
      instance_id: 'i-0a01',
      instance_type: 'm5.large',
      private_ip_address: '10.0.1.1',
      public_ip_address: '54.0.0.1',
      private_dns_name: 'ip-10-0-1-1.ec2.internal',
      ebs_snapshot_schedule: 'daily 03:00',
      ansible_host: '10.0.1.1',
    });
    expect(vars.placement).to.deep.include({ availability_zone: 'us-east-1a', region: 'us-east-1' });
    expect(vars.tags).to.deep.equal({ Name: 'web-1', Role: 'web', Env: 'prod', 'scheduler:ebs-snapshot': 'daily 03:00' });
    expect(vars.volume_ids).to.deep.equal(['vol-0a01', 'vol-0a02']);
    expect(vars.state).to.deep.equal({ code: 16, name: 'running' });
    expect(inventory.host('web-2')!.vars).to.not.have.property('ebs_snapshot_schedule');
  });

  it('by default lists every instance but terminated ones (as Ansible), stopped included', async () => {
    const inventory = await load(config('regions: [us-east-1]\n'));
    expect(inventory.host('db-2')).to.not.equal(undefined);
    expect(inventory.host('gone')).to.equal(undefined);
    expect(endpoint.requests[0]!.params).to.include({ 'Filter.1.Name': 'instance-state-name', 'Filter.1.Value.4': 'stopped' });
  });

  it('groups hosts by tags with keyed_groups, under aws_ec2 and optional parents', async () => {
    const file = config(
      [
        'regions: [us-east-1, eu-west-1]',
        'keyed_groups:',
        '  - key: tags.Role',
        '    prefix: role',
        '  - key: tags.Env',
        '    prefix: env',
        '    parent_group: environments',
        "  - key: tags['scheduler:ebs-snapshot']",
        '    prefix: snapshot',
        '  - key: placement.region',
        '',
      ].join('\n'),
    );
    const inventory = await load(file);
    const names = (pattern: string): string[] => inventory.select(pattern).map((h) => h.name);
    expect(names('role_web')).to.deep.equal(['web-1_i-0a01', 'web-1_i-0a02', 'web-2', 'web-3', 'web-4', 'web-eu']);
    expect(names('role_db')).to.deep.equal(['db-1', 'db-2']);
    expect(names('env_staging')).to.deep.equal(['web-3']);
    expect(names('role_web:&env_prod:&_eu_west_1')).to.deep.equal(['web-eu']);
    expect(names('snapshot_daily_03_00')).to.deep.equal(['web-1_i-0a01']);
    expect(inventory.groups.get('environments')!.children).to.deep.equal(['env_prod', 'env_staging']);
    expect(names('aws_ec2')).to.have.length(10);
    expect(names('environments')).to.have.length(10);
  });

  it('names hosts by the hostnames preference list', async () => {
    const inventory = await load(config('regions: [eu-west-1]\nhostnames:\n  - tag:Name\n  - private-ip-address\n  - ip-address\n'));
    expect(inventory.hosts().map((h) => h.name)).to.deep.equal(['web-eu', '34.0.0.9']);
    const byId = await load(config('regions: [eu-west-1]\nhostnames: [instance-id]\n'));
    expect(byId.hosts().map((h) => h.name)).to.deep.equal(['i-0b01', 'i-0b02']);
    const none = await load(config('regions: [eu-west-1]\nhostnames: [private-dns-name]\n'));
    expect(none.hosts().map((h) => h.name)).to.deep.equal(['i-0b01', 'i-0b02']);
  });

  it('sets variables with compose, and the connection follows', async () => {
    const inventory = await load(
      config('regions: [us-east-1]\ncompose:\n  ansible_host: public_ip_address\n  ansible_user: "\'ec2-user\'"\n  role: tags.Role\n'),
    );
    const host = inventory.host('web-1_i-0a01')!;
    expect(host.connection).to.deep.equal({ transport: 'ssh', address: '54.0.0.1', user: 'ec2-user' });
    expect(host.vars.role).to.equal('web');
    // No public IP: compose leaves the default (private) address.
    expect(inventory.host('web-2')!.connection).to.include({ address: '10.0.1.3' });
  });

  it('merges with other sources, and --limit applies to all of them', async () => {
    const file = config('regions: [eu-west-1]\nkeyed_groups:\n  - key: tags.Role\n    prefix: role\n', {
      'static.ini': '[role_web]\nlegacy-web\n',
    });
    const inventory = await withAwsEnv(KEYS, () => loadInventories([file, file.replace('fleet.aws_ec2.yml', 'static.ini')], {}));
    expect(
      inventory
        .limit('role_web')
        .hosts()
        .map((h) => h.name),
    ).to.deep.equal(['web-eu', 'legacy-web']);
  });

  it('rides out throttling and 5xx answers with the SDK retries', async () => {
    endpoint.failNext(
      { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
      { status: 500, code: 'InternalError', message: 'An internal error has occurred' },
    );
    const inventory = await load(config('regions: [eu-west-1]\n'));
    expect(inventory.hosts()).to.have.length(2);
    expect(endpoint.requests).to.have.length(3);
  });

  it('reports a failure that outlasts the retries', async () => {
    endpoint.failNext({ status: 500, code: 'InternalError', message: 'An internal error has occurred' });
    const file = config('max_attempts: 1\nregions:\n  - eu-west-1\n');
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.equal(
      `${file}:5:5: EC2 DescribeInstances failed in eu-west-1: InternalError (HTTP 500): An internal error has occurred`,
    );
    expect(endpoint.requests).to.have.length(1);
  });

  it('says so when no credentials can be found, without sending anything', async () => {
    const file = config('regions:\n  - us-east-1\n');
    const error = await rejection(() => withAwsEnv(undefined, () => loadInventories([file], {})));
    expect(error).to.be.instanceOf(LoadError);
    expect(error.describe!()).to.match(new RegExp(`^${file}:4:5: no AWS credentials for EC2 in us-east-1: set AWS_ACCESS_KEY_ID`));
    expect(endpoint.requests).to.have.length(0);
  });

  it('refuses an unknown region at its line, without sending anything', async () => {
    const file = config('regions:\n  - us-east-1\n  - us-fake-1\n');
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.match(new RegExp(`^${file}:5:5: regions: unknown AWS region 'us-fake-1' \\(known: us-east-1, `));
    expect(endpoint.requests).to.have.length(0);
  });

  it('explains an access denial (UnauthorizedOperation) and bad credentials (AuthFailure)', async () => {
    const file = config('regions: [us-east-1]\n');
    const denied = await rejection(() => load(file, { accessKeyId: 'AKIDREADONLY', secretAccessKey: 'x' }));
    expect(denied.message).to.equal(
      "AWS denied ec2:DescribeInstances in us-east-1: UnauthorizedOperation: You are not authorized to perform this operation. (check the credentials' IAM policy)",
    );
    expect(denied.file).to.equal(file);
    const unknown = await rejection(() => load(file, { accessKeyId: 'AKIDWHOISTHIS', secretAccessKey: 'x' }));
    expect(unknown.message).to.match(/^AWS denied ec2:DescribeInstances in us-east-1: AuthFailure: AWS was not able to validate/);
  });

  it('points at the filters when EC2 refuses one', async () => {
    const file = config('regions: [us-east-1]\nfilters:\n  tag:Env: prod\n  colour: blue\n');
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.equal(`${file}:4:1: EC2 refused the filters: InvalidParameterValue: The filter 'colour' is invalid`);
  });

  describe('cache', () => {
    it('answers from the cache within the TTL, and asks EC2 again after it', async () => {
      const file = config('regions: [eu-west-1]\ncache: true\ncache_ttl: 3600\ncache_dir: cache\n');
      const first = await load(file);
      expect(endpoint.requests).to.have.length(1);
      const second = await load(file);
      expect(endpoint.requests).to.have.length(1);
      expect(second.hosts().map((h) => h.vars)).to.deep.equal(first.hosts().map((h) => h.vars));

      const expired = file.replace('fleet.aws_ec2.yml', 'expired.aws_ec2.yml');
      const { writeFileSync, readFileSync } = await import('node:fs');
      writeFileSync(expired, readFileSync(file, 'utf8').replace('cache_ttl: 3600', 'cache_ttl: 0'));
      await load(expired);
      expect(endpoint.requests).to.have.length(2);
    });

    it('keys the cache by what EC2 is asked: other filters, other answer', async () => {
      const file = config('regions: [eu-west-1]\ncache: true\ncache_dir: cache\n');
      await load(file);
      const other = config('regions: [eu-west-1]\ncache: true\ncache_dir: cache\nfilters:\n  tag:Role: web\n');
      const inventory = await load(other);
      expect(inventory.hosts().map((h) => h.name)).to.deep.equal(['web-eu']);
      expect(endpoint.requests).to.have.length(2);
    });

    it('does not cache unless asked', async () => {
      const file = config('regions: [eu-west-1]\n');
      await load(file);
      await load(file);
      expect(endpoint.requests).to.have.length(2);
    });
  });
});
