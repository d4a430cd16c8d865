import { expect } from 'chai';
import { loadInventories, type Inventory } from '../../../inventory/index.ts';
import { spawnBosun } from '../../support/bosun-child.ts';
import { MisbehavingEndpoint } from '../../support/ec2-endpoint.ts';
import { withAwsEnv } from '../../support/ec2-env.ts';
import { MOTO_KEYS, MotoServer } from '../../support/moto.ts';
import { rejection } from '../../support/thrown.ts';
import { removeTrees, writeTree } from '../temp-tree.ts';
import { patience } from '../../support/patience.ts';

// moto answers every request, and answers it right: what an endpoint does wrong (silence,
// a proxy's HTML page, a cut-off answer, throttling, 5xx, 403) comes from a hand-written
// endpoint in front of it.
describe('inventory/ec2: endpoints that misbehave @integration', function () {
  this.timeout(patience(120_000));
  let moto: MotoServer;
  let endpoint: MisbehavingEndpoint | undefined;
  before(async () => {
    moto = await MotoServer.start();
  });
  after(async () => moto?.stop());
  beforeEach(async () => moto.reset());
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
    removeTrees();
  });

  const config = (url: string, body = ''): string =>
    `${writeTree({ 'fleet.aws_ec2.yml': `plugin: amazon.aws.aws_ec2\nendpoint: ${url}\nregions:\n  - us-east-1\nhostnames: [tag:Name]\n${body}` })}/fleet.aws_ec2.yml`;
  const load = (file: string): Promise<Inventory> => withAwsEnv(MOTO_KEYS, () => loadInventories([file], {}));

  it('follows NextToken over several pages (moto pages at the MaxResults the endpoint lowers)', async () => {
    moto.launch(['a', 'b', 'c', 'd', 'e'].map((n) => ({ region: 'us-east-1', tags: { Name: n } })));
    endpoint = await MisbehavingEndpoint.start({ upstream: moto.url, pageSize: 2 });
    const inventory = await load(config(endpoint.url));
    expect(
      inventory
        .hosts()
        .map((h) => h.name)
        .sort(),
    ).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    expect(endpoint.requests).to.have.length(3);
    expect(endpoint.requests[0]!.params.NextToken).to.equal(undefined);
    expect(endpoint.requests[1]!.params.NextToken).to.be.a('string');
  });

  it('rides out throttling and 5xx answers with retries', async () => {
    moto.launch([{ region: 'us-east-1', tags: { Name: 'web-1' } }]);
    endpoint = await MisbehavingEndpoint.start({ upstream: moto.url });
    endpoint.next(
      { kind: 'error', status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
      { kind: 'error', status: 500, code: 'InternalError', message: 'An internal error has occurred' },
    );
    const inventory = await load(config(endpoint.url));
    expect(inventory.hosts().map((h) => h.name)).to.deep.equal(['web-1']);
    expect(endpoint.requests).to.have.length(3);
  });

  it('reports a failure that outlasts the retries, naming the endpoint', async () => {
    endpoint = await MisbehavingEndpoint.start({
      always: { kind: 'error', status: 500, code: 'InternalError', message: 'An internal error has occurred' },
    });
    const file = config(endpoint.url, 'max_attempts: 2\n');
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.equal(
      `${file}:4:5: EC2 DescribeInstances failed in us-east-1 (${endpoint.url}/): InternalError (HTTP 500): An internal error has occurred`,
    );
    expect(endpoint.requests).to.have.length(2);
  });

  it('fails on a 403 by default; strict_permissions: false leaves the region out', async () => {
    endpoint = await MisbehavingEndpoint.start({
      always: { kind: 'error', status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' },
    });
    const error = await rejection(() => load(config(endpoint!.url)));
    expect(error.message).to.include('AWS denied ec2:DescribeInstances in us-east-1: UnauthorizedOperation');
    const inventory = await load(config(endpoint.url, 'strict_permissions: false\n'));
    expect(inventory.hosts()).to.deep.equal([]);
  });

  it('gives up on an endpoint that never answers, after read_timeout per attempt and max_attempts attempts', async () => {
    endpoint = await MisbehavingEndpoint.start({ always: { kind: 'hang' } });
    const file = config(endpoint.url, 'read_timeout: 0.5\nmax_attempts: 2\n');
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.match(
      new RegExp(
        `^${file}:4:5: the EC2 endpoint ${endpoint.url}/ did not answer DescribeInstances in us-east-1 in time, 2 attempt\\(s\\) \\(connect_timeout 10 s, read_timeout 0.5 s\\)`,
      ),
    );
    expect(endpoint.requests).to.have.length(2);
  });

  it('gives up on an answer that trickles in, after read_timeout', async () => {
    moto.launch([{ region: 'us-east-1', tags: { Name: 'web-1' } }]);
    endpoint = await MisbehavingEndpoint.start({ upstream: moto.url, always: { kind: 'trickle' } });
    const error = await rejection(() => load(config(endpoint!.url, 'read_timeout: 1\nmax_attempts: 2\n')));
    expect(error.message).to.include(
      `the EC2 endpoint ${endpoint.url}/ did not answer DescribeInstances in us-east-1 in time, 2 attempt(s)`,
    );
    expect(error.message).to.include('the answer did not arrive whole within 1 s');
    expect(endpoint.requests).to.have.length(2);
  });

  it("refuses an HTML page answered with HTTP 200 (a proxy's), naming the endpoint", async () => {
    endpoint = await MisbehavingEndpoint.start({ always: { kind: 'html' } });
    const file = config(endpoint.url);
    const error = await rejection(() => load(file));
    expect(error.describe!()).to.equal(
      `${file}:4:5: EC2 DescribeInstances in us-east-1: the endpoint ${endpoint.url}/ answered HTTP 200 with an HTML page ("<!DOCTYPE html>\\n<html><head><title>Access denied</title></he"…), not an EC2 DescribeInstancesResponse (a proxy or a wrong endpoint?)`,
    );
  });

  it('refuses a real answer cut short', async () => {
    moto.launch([{ region: 'us-east-1', tags: { Name: 'web-1' } }]);
    endpoint = await MisbehavingEndpoint.start({ upstream: moto.url, always: { kind: 'truncated' } });
    const error = await rejection(() => load(config(endpoint!.url)));
    expect(error.message).to.match(
      /answered HTTP 200 with a document cut short after \d+ bytes \(no closing <\/DescribeInstancesResponse>\), not an EC2 DescribeInstancesResponse/,
    );
  });

  it('bosun inventory exits 1 with the error, and the SDK prints nothing of its own', async () => {
    endpoint = await MisbehavingEndpoint.start({ always: { kind: 'hang' } });
    const file = config(endpoint.url, 'read_timeout: 0.5\nmax_attempts: 1\n');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      AWS_ACCESS_KEY_ID: MOTO_KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_KEYS.secretAccessKey,
      AWS_CONFIG_FILE: '/nonexistent/bosun-test/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/bosun-test/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const result = await spawnBosun(['inventory', 'list', '-i', file], { env }).done();
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(`the EC2 endpoint ${endpoint.url}/ did not answer DescribeInstances`);
    expect(result.stderr).to.not.match(/NodeVersionSupportWarning|AWS SDK|Warning/);
    expect(result.stderr.trim().split('\n')).to.have.length(1);

    // An HTML page from a proxy: exit 1 too, not an empty inventory.
    const proxy = await MisbehavingEndpoint.start({ always: { kind: 'html' } });
    try {
      const html = await spawnBosun(['inventory', 'list', '-i', config(proxy.url)], { env }).done();
      expect(html.code).to.equal(1);
      expect(html.stderr).to.include(`the endpoint ${proxy.url}/ answered HTTP 200 with an HTML page`);
      expect(html.stdout).to.equal('');
    } finally {
      await proxy.close();
    }

    // A good run prints no SDK warning either.
    moto.launch([{ region: 'us-east-1', tags: { Name: 'web-1' } }]);
    const good = await spawnBosun(['inventory', 'list', '-i', config(moto.url)], { env }).done();
    expect(good.code).to.equal(0);
    expect(good.stdout).to.include('web-1');
    expect(good.stderr).to.equal('');
  });
});
