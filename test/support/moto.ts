import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { onProcessExit } from '../../testing/cleanup.ts';

/** An instance to launch in moto: its region and tags (moto makes up the rest: ids, addresses, DNS names). */
export interface MotoInstance {
  readonly region: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly instanceType?: string;
  /** Launched, then stopped. */
  readonly stopped?: boolean;
  readonly terminated?: boolean;
}

/** What moto made of a launched instance, as boto3 reads it back. */
export interface LaunchedInstance {
  readonly id: string;
  readonly region: string;
  readonly privateIp: string;
  readonly publicIp?: string;
  readonly privateDns: string;
  readonly publicDns?: string;
  readonly launchTime: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The dummy credentials moto accepts (it checks none). */
export const MOTO_KEYS = { accessKeyId: 'AKIDBOSUNMOTO', secretAccessKey: 'moto-does-not-check' };

// boto3 beside moto seeds the data: the same client library Ansible's plugin reads it with.
const SEED = `
import json, sys, boto3
spec = json.load(sys.stdin)
out = []
for item in spec['instances']:
    ec2 = boto3.client('ec2', region_name=item['region'], endpoint_url=spec['url'],
                       aws_access_key_id='x', aws_secret_access_key='y')
    args = dict(ImageId='ami-12c6146b', MinCount=1, MaxCount=1, InstanceType=item.get('instanceType') or 't3.micro')
    if item.get('tags'):
        args['TagSpecifications'] = [{'ResourceType': 'instance',
                                      'Tags': [{'Key': k, 'Value': v} for k, v in item['tags'].items()]}]
    i = ec2.run_instances(**args)['Instances'][0]
    if item.get('stopped'):
        ec2.stop_instances(InstanceIds=[i['InstanceId']])
    if item.get('terminated'):
        ec2.terminate_instances(InstanceIds=[i['InstanceId']])
    i = ec2.describe_instances(InstanceIds=[i['InstanceId']])['Reservations'][0]['Instances'][0]
    out.append(dict(id=i['InstanceId'], region=item['region'], privateIp=i.get('PrivateIpAddress'),
                    publicIp=i.get('PublicIpAddress'), privateDns=i.get('PrivateDnsName'),
                    publicDns=i.get('PublicDnsName') or None, launchTime=i['LaunchTime'].isoformat(),
                    tags={t['Key']: t['Value'] for t in i.get('Tags', [])}))
json.dump(out, sys.stdout)
`;

/** The machine's Python that has moto and boto3 (pip's first, then Debian's), or undefined. */
export function motoPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import moto, boto3'], { stdio: 'ignore' });
      return python;
    } catch {
      // Try the next one.
    }
  }
  return undefined;
}

/**
 * moto's EC2 server (`python3 -m moto.server`) on a free loopback port, for the real SDK
 * client to talk to, seeded with boto3. One per test file; `reset` empties it between tests.
 */
export class MotoServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly python: string,
    private readonly forget: () => void,
  ) {}

  static async start(): Promise<MotoServer> {
    const python = motoPython();
    if (python === undefined) throw new Error("moto is not installed: `python3 -c 'import moto, boto3'` fails (.ci/run installs it)");
    const port = await freePort();
    const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const forget = onProcessExit(() => child.kill('SIGKILL'));
    const server = new MotoServer(child, `http://127.0.0.1:${port}`, python, forget);
    // Ready when it answers; it takes a few seconds to import.
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`moto.server exited (${child.exitCode}): ${stderr}`);
      try {
        const answer = await fetch(`${server.url}/moto-api/`);
        if (answer.ok) break;
      } catch {
        // Not listening yet.
      }
      if (attempt > 600) throw new Error(`moto.server did not answer on ${server.url}: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return server;
  }

  /** Launches instances, in order, and returns what moto made of them. */
  launch(instances: readonly MotoInstance[]): LaunchedInstance[] {
    const out = execFileSync(this.python, ['-c', SEED], {
      input: JSON.stringify({ url: this.url, instances }),
      encoding: 'utf8',
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    return JSON.parse(out) as LaunchedInstance[];
  }

  /** Forgets every resource (moto's own reset API). */
  async reset(): Promise<void> {
    const answer = await fetch(`${this.url}/moto-api/reset`, { method: 'POST' });
    if (!answer.ok) throw new Error(`moto reset failed: HTTP ${answer.status}`);
  }

  async stop(): Promise<void> {
    this.forget();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
