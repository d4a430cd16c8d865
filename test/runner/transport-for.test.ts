import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Become, Connection, Host } from '../../compiler/host.ts';
import { transportFor, type TransportSettings } from '../../runner/transport-for.ts';
import type { RunOutcome } from '../../runner/transport.ts';
import { testHost } from '../../testing/host.ts';
import { withEnv } from '../support/env.ts';
import { tempDir } from '../support/plan-harness.ts';

/** Who ran the script, and whether sudo started it: sudo sets SUDO_USER (the test's own is unset for the run). */
const WHO = 'echo "user=$(id -un) sudo=${SUDO_USER:-none}"';

interface Ran {
  readonly outcome: RunOutcome;
  readonly lines: readonly string[];
}

async function runOn(connection: Connection, become: Become, settings: TransportSettings = {}): Promise<Ran> {
  const host: Host = testHost({ name: 'h', connection });
  const transport = transportFor(host, become, settings);
  const lines: string[] = [];
  try {
    const outcome = await withEnv({ SUDO_USER: undefined }, () =>
      transport.run({ script: WHO, mode: 'check', onLine: (line) => lines.push(line) }),
    );
    return { outcome, lines };
  } finally {
    await transport.close?.();
  }
}

/** Runs `body` with process.getuid answering `uid`: whether bosun runs as root is read from it. */
async function asUid<T>(uid: number, body: () => Promise<T>): Promise<T> {
  const real = process.getuid;
  process.getuid = () => uid;
  try {
    return await body();
  } finally {
    process.getuid = real;
  }
}

describe('runner/transport-for (which transport a host gets)', () => {
  const me = userInfo().username;

  describe('a local host', () => {
    it('without become: runs here, as the user bosun runs as, without sudo', async () => {
      const { outcome, lines } = await runOn({ transport: 'local' }, { enabled: false });
      expect(outcome.exitCode, outcome.stderr).to.equal(0);
      expect(lines).to.deep.equal([`user=${me} sudo=none`]);
    });

    it('with become, when bosun already runs as root and names no become user: no sudo (it would add nothing)', async () => {
      const { outcome, lines } = await asUid(0, () => runOn({ transport: 'local' }, { enabled: true }));
      expect(outcome.exitCode, outcome.stderr).to.equal(0);
      expect(lines).to.deep.equal([`user=${me} sudo=none`]);
    });

    // sudo -n succeeds without a password only for root here.
    it('with become, when bosun does not run as root: through sudo, as root @integration', async () => {
      const { outcome, lines } = await asUid(1000, () => runOn({ transport: 'local' }, { enabled: true }));
      expect(outcome.exitCode, outcome.stderr).to.equal(0);
      expect(lines).to.deep.equal([`user=root sudo=${me}`]);
    });

    it('with a become user: through sudo as that user, even when bosun runs as root @integration', async () => {
      const { outcome, lines } = await asUid(0, () => runOn({ transport: 'local' }, { enabled: true, user: 'nobody' }));
      expect(outcome.exitCode, outcome.stderr).to.equal(0);
      expect(lines).to.deep.equal([`user=nobody sudo=${me}`]);
    });
  });

  it('a chroot host: runs in its root, which must hold /bin/sh', async () => {
    const { outcome, lines } = await runOn({ transport: 'chroot', root: '/nonexistent/bosun-root' }, { enabled: false });
    expect(lines).to.deep.equal([]);
    expect(outcome).to.include({ unreachable: true, reason: 'no root filesystem with /bin/sh at /nonexistent/bosun-root' });
  });

  it("an ssh host: ssh to the connection's user, address and port, with the run's ssh config file", async () => {
    const { dir, dispose } = await tempDir();
    try {
      // The config's ProxyCommand stands in for the network: it records where ssh would connect, and closes.
      // (Through sh -c, so its stdout, ssh's end of the connection, closes only after the record is written.)
      const config = `${dir}/ssh_config`;
      await writeFile(config, `Host *\n  ProxyCommand sh -c 'echo %r@%h:%p >${dir}/asked'\n`);
      const { outcome, lines } = await runOn(
        { transport: 'ssh', address: '127.0.0.1', port: 9, user: 'deploy' },
        { enabled: false },
        { sshConfigFile: config },
      );
      expect(lines).to.deep.equal([]);
      expect(outcome.unreachable, JSON.stringify(outcome)).to.equal(true);
      expect(await readFile(`${dir}/asked`, 'utf8')).to.equal('deploy@127.0.0.1:9\n');
    } finally {
      await dispose();
    }
  });
});
