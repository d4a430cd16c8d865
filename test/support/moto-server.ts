import { execa, type ResultPromise } from 'execa';
import { createServer } from 'node:net';
import { onProcessExit } from '../../testing/cleanup.ts';

/** A moto server (AWS APIs in one local process), with boto3 beside it to seed data. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`: the endpoint of every service. */
  readonly url: string;
  /** Runs Python with boto3's EC2 client bound to this server as `ec2` (region us-east-1); returns stdout. */
  python(code: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `python3 -m moto.server -H 127.0.0.1 -p PORT` and waits until it answers. */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  // The interpreter itself, not a version manager's shim in front of it (which costs a second a call).
  const python = (await execa('python3', ['-c', 'import sys; print(sys.executable)'])).stdout.trim();
  const child: ResultPromise = execa(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    reject: false,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
    buffer: true,
    cleanup: false,
  });
  const pid = child.pid;
  const unregister = onProcessExit(() => {
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`moto.server exited: ${String((await child).stderr)}`);
    const up = await fetch(`${url}/moto-api/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error('moto.server did not answer within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async python(code: string): Promise<string> {
      const prelude = `import boto3, datetime\nec2 = boto3.client('ec2', endpoint_url='${url}', region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')\n`;
      const result = await execa(python, ['-c', prelude + code], { reject: false });
      if (result.exitCode !== 0) throw new Error(`boto3 seeding failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    async stop(): Promise<void> {
      child.kill('SIGTERM');
      await child;
      unregister();
    },
  };
}

/** A loopback port nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
