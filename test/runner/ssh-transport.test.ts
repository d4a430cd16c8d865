import { expect } from 'chai';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quote } from '../../compiler/quote.ts';
import { secret } from '../../compiler/secret.ts';
import type { SshConnection } from '../../compiler/host.ts';
import { SshTransport, type SshTransportOptions } from '../../runner/ssh-transport.ts';
import type { RunOutcome } from '../../runner/transport.ts';
import { ALICE_PASSWORD } from '../support/debian-base.ts';
import { file } from '../../index.ts';
import { runHost } from '../../runner/run-host.ts';
import { readOnHost, startFleet, type Fleet, type FleetHost } from '../support/fleet.ts';
import { planOf, statuses } from '../support/plan-harness.ts';
import { Recording } from '../support/recording-transport.ts';
import { renderChecked } from '../../testing/shellcheck.ts';
import { writeKnownHosts } from '../support/known-hosts.ts';
import { processesWhoseArgvContains } from '../support/processes.ts';
import { patience } from '../support/patience.ts';

interface Ran {
  readonly outcome: RunOutcome;
  readonly lines: string[];
}

describe('runner/ssh-transport on real hosts @fleet', function () {
  this.timeout(patience(5 * 60_000));
  let fleet: Fleet;
  const transports: SshTransport[] = [];

  before(async () => {
    fleet = await startFleet(3, { namePrefix: 'ssh' });
  });
  after(async () => {
    await Promise.all(transports.map((transport) => transport.close()));
    await fleet?.stop();
  });

  function transport(connection: SshConnection, options: SshTransportOptions = {}): SshTransport {
    const made = new SshTransport(connection, { knownHostsFile: fleet.knownHostsFile, ...options });
    transports.push(made);
    return made;
  }

  async function run(through: SshTransport, script: string, mode: 'check' | 'apply' = 'check'): Promise<Ran> {
    const lines: string[] = [];
    const outcome = await through.run({ script, mode, onLine: (line) => lines.push(line) });
    return { outcome, lines };
  }

  const host = (index: number): FleetHost => fleet.hosts[index]!;

  it('runs a script on sh -s MODE and passes its stdout lines and exit code', async () => {
    const { outcome, lines } = await run(
      transport(fleet.connection(host(0))),
      'echo "mode=$1"; hostname; echo "@@bosun {\\"x\\":1}"; exit 3\n',
      'apply',
    );
    expect(lines).to.deep.equal(['mode=apply', host(0).name, '@@bosun {"x":1}']);
    expect(outcome).to.include({ exitCode: 3, unreachable: false });
  });

  it('streams lines as they arrive, not at the end', async () => {
    // A handshake, not a clock: the script prints its first line and then waits for a file
    // that this test creates only once that line has reached it. A transport that held the
    // output back until the end would never see the first line in time: the script gives up
    // (bounded, and scaled like every timeout here) and prints 'gave up' instead.
    const flag = quote('/run/bosun-streams-flag');
    const polls = Math.round(patience(60_000) / 200);
    const handshakes: Promise<unknown>[] = [];
    const script = [
      `rm -f ${flag}`,
      'echo first',
      `i=0; while [ ! -e ${flag} ] && [ $i -lt ${polls} ]; do sleep 0.2; i=$((i + 1)); done`,
      `if [ -e ${flag} ]; then echo second; else echo 'gave up'; fi`,
      '',
    ].join('\n');
    const lines: string[] = [];
    const outcome = await transport(fleet.connection(host(0))).run({
      script,
      mode: 'check',
      onLine: (line) => {
        lines.push(line);
        if (line === 'first') handshakes.push(fleet.exec(host(0), `touch ${flag}`));
      },
    });
    await Promise.all(handshakes);
    await fleet.exec(host(0), `rm -f ${flag}`);
    expect(outcome.exitCode).to.equal(0);
    expect(lines).to.deep.equal(['first', 'second']);
  });

  it('opens exactly one session per host per run, counted by each host’s sshd', async () => {
    const hosts = fleet.hosts;
    const before = await Promise.all(hosts.map((each) => fleet.sessionCounts(each)));
    const through = hosts.map((each) => transport(fleet.connection(each)));
    // A check and then an apply: one session each, over one multiplexed connection.
    for (const mode of ['check', 'apply'] as const) {
      const ran = await Promise.all(through.map((each) => run(each, 'echo ok\n', mode)));
      for (const { outcome } of ran) expect(outcome.exitCode).to.equal(0);
    }
    const after = await Promise.all(hosts.map((each) => fleet.sessionCounts(each)));
    hosts.forEach((_, i) => {
      expect(after[i]!.sessions - before[i]!.sessions, hosts[i]!.name).to.equal(2);
      expect(after[i]!.connections - before[i]!.connections, hosts[i]!.name).to.equal(1);
    });
  });

  it('feeds a large script whole on stdin', async () => {
    const payload = 'x'.repeat(100_000);
    const { outcome, lines } = await run(transport(fleet.connection(host(1))), `cat <<'EOF' | wc -c\n${payload}\nEOF\n`);
    expect(outcome.exitCode).to.equal(0);
    expect(lines).to.deep.equal([String(payload.length + 1)]);
  });

  it('streams a data section to the host when a step writes it, and fetches none of it to check it', async () => {
    const content = Array.from({ length: 60_000 }, (_, i) => `line ${i} ✓\n`).join('');
    const plan = planOf([file({ path: '/root/large.txt', content })]);
    const through = new Recording(transport(fleet.connection(host(2)), { multiplex: false }));
    const apply = await runHost(plan, renderChecked(plan), through, { mode: 'apply' });
    expect(statuses(apply), JSON.stringify(apply.reason)).to.deep.equal(['changed']);
    expect(through.frames('need')).to.have.length(1);
    expect(through.inputBytes).to.equal(Buffer.byteLength(content) + 68);
    expect(await readOnHost(host(2), 'root/large.txt')).to.equal(content);
    const check = await runHost(plan, renderChecked(plan), through, { mode: 'check' });
    expect(statuses(check)).to.deep.equal(['ok']);
    expect(through.inputBytes).to.equal(0);
  });

  it('reports a stopped host as unreachable, with ssh’s reason', async () => {
    const stopped = await startFleet(1, { namePrefix: 'gone' });
    const gone = stopped.hosts[0]!;
    const connection = stopped.connection(gone);
    const known = stopped.knownHostsFile;
    const content = await readFile(known, 'utf8');
    await stopped.stop();
    const knownCopy = join(fleet.dir, 'known_hosts.gone');
    await writeFile(knownCopy, content);
    const { outcome, lines } = await run(transport(connection, { knownHostsFile: knownCopy }), 'echo never\n');
    expect(lines).to.deep.equal([]);
    expect(outcome.unreachable).to.equal(true);
    expect(outcome.exitCode).to.equal(undefined);
    expect(outcome.reason).to.match(/Connection refused/);
  });

  it('refuses an unknown host without acceptNewHostKeys, and trusts it with', async () => {
    const empty = join(fleet.dir, 'known_hosts.empty');
    await writeFile(empty, '');
    const refused = await run(transport(fleet.connection(host(1)), { knownHostsFile: empty }), 'echo never\n');
    expect(refused.lines).to.deep.equal([]);
    expect(refused.outcome.unreachable).to.equal(true);
    expect(refused.outcome.reason).to.match(/host key of root@127\.0\.10\.\d+:\d+ is not known/);

    const accepted = await run(transport(fleet.connection(host(1)), { knownHostsFile: empty, acceptNewHostKeys: true }), 'echo yes\n');
    expect(accepted.lines).to.deep.equal(['yes']);
    expect(await readFile(empty, 'utf8')).to.contain(host(1).hostKey);
  });

  it('refuses a host whose key changed, even with acceptNewHostKeys, and says so', async () => {
    const target = host(2);
    const known = join(fleet.dir, 'known_hosts.before-rekey');
    await copyFile(fleet.knownHostsFile, known);
    // The host really gets new keys, as a rebuilt (or impersonated) host would.
    const rekey = await fleet.exec(target, 'rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh');
    expect(rekey.exitCode, rekey.stderr).to.equal(0);
    const newKey = (await readFile(join(target.root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    expect(newKey).not.to.equal(target.hostKey);
    for (const acceptNewHostKeys of [false, true]) {
      const { outcome, lines } = await run(
        transport(fleet.connection(target), { knownHostsFile: known, acceptNewHostKeys }),
        'echo never\n',
      );
      expect(lines).to.deep.equal([]);
      expect(outcome.unreachable).to.equal(true);
      expect(outcome.reason).to.match(/host key of .* has CHANGED .*refused/);
    }
    // The known_hosts file was not rewritten to the new key.
    expect(await readFile(known, 'utf8')).not.to.contain(newKey);
    await writeKnownHosts(
      fleet.knownHostsFile,
      fleet.hosts.map((each) => (each === target ? { ...each, hostKey: newKey } : each)),
    );
  });

  it('becomes root through sudo -n for a NOPASSWD user', async () => {
    const connection = { ...fleet.connection(host(0), 'deploy'), become: { enabled: true } };
    const { outcome, lines } = await run(transport(connection), 'id -un; echo "$1"\n');
    expect(outcome.exitCode).to.equal(0);
    expect(lines).to.deep.equal(['root', 'check']);
  });

  it('becomes another user with become.user', async () => {
    const connection = { ...fleet.connection(host(0), 'deploy'), become: { enabled: true, user: 'alice' } };
    const { lines } = await run(transport(connection), 'id -un\n');
    expect(lines).to.deep.equal(['alice']);
  });

  it('fails, not unreachable, when sudo wants a password and none was given', async () => {
    const connection = { ...fleet.connection(host(0), 'alice'), become: { enabled: true } };
    const { outcome, lines } = await run(transport(connection), 'echo never\n');
    expect(lines).to.deep.equal([]);
    expect(outcome.unreachable).to.equal(false);
    expect(outcome.exitCode).to.equal(1);
    expect(outcome.reason).to.equal('sudo requires a password on this host and none was given (use --ask-become-pass)');
  });

  it('feeds the become password on stdin: never on argv, never in the outcome', async () => {
    const connection = { ...fleet.connection(host(0), 'alice'), become: { enabled: true } };
    const through = transport(connection, { becomePassword: secret(ALICE_PASSWORD) });
    const running = run(through, 'id -un; sleep 2; echo done\n');
    // While the session runs, no process on this machine (nor on the host, which
    // shares this kernel's /proc) carries the password in its command line.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const leaks = await processesWhoseArgvContains(ALICE_PASSWORD);
    const sshSeen = await processesWhoseArgvContains('bosun-become');
    const { outcome, lines } = await running;
    expect(sshSeen.length, 'the become session was running while argv was scanned').to.be.greaterThan(0);
    expect(leaks).to.deep.equal([]);
    expect(lines).to.deep.equal(['root', 'done']);
    expect(outcome.exitCode).to.equal(0);
    expect(JSON.stringify(outcome)).not.to.contain(ALICE_PASSWORD);
  });

  it('never runs the password line as a command when sudo does not ask for it', async () => {
    const connection = { ...fleet.connection(host(0), 'deploy'), become: { enabled: true } };
    const { outcome, lines } = await run(transport(connection, { becomePassword: secret('echo LEAKED') }), 'echo ran\n');
    expect(lines).to.deep.equal(['ran']);
    expect(outcome.exitCode).to.equal(0);
    expect(outcome.stderr).not.to.contain('LEAKED');
  });

  it('reports a wrong become password without running the script', async () => {
    const connection = { ...fleet.connection(host(0), 'alice'), become: { enabled: true } };
    const { outcome, lines } = await run(transport(connection, { becomePassword: secret('wrong-pw') }), 'echo never\n');
    expect(lines).to.deep.equal([]);
    expect(outcome.unreachable).to.equal(false);
    expect(outcome.reason).to.equal('sudo refused the become password');
    expect(JSON.stringify(outcome)).not.to.contain('wrong-pw');
  });

  it('kills the session at the per-host timeout, and the host ends the script too', async () => {
    const { outcome, lines } = await run(transport(fleet.connection(host(1)), { timeoutMs: 1500 }), 'echo started; sleep 39; echo never\n');
    expect(lines).to.deep.equal(['started']);
    expect(outcome.exitCode).to.equal(undefined);
    expect(outcome.unreachable).to.equal(false);
    expect(outcome.reason).to.match(/timed out after 1.5 s/);
    // Killing the client leaves a quiet remote script running (it would sleep on for
    // 39 s); the host's own limit, ours rounded up plus a second, ends it 3 s in.
    const sleeping = "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done | grep -c '^sleep 39 $' || true";
    let left = '';
    for (let waited = 0; waited < 10_000 && left !== '0'; waited += 500) {
      left = (await fleet.exec(host(1), sleeping)).stdout;
      if (left !== '0') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(left, 'the script still runs on the host').to.equal('0');
  });

  it('reaches a host through ProxyJump with settings from an ssh_config file (-F)', async () => {
    const config = join(fleet.dir, 'ssh_config');
    await writeFile(
      config,
      [
        'Host *',
        `  UserKnownHostsFile ${fleet.knownHostsFile}`,
        '  GlobalKnownHostsFile /dev/null',
        `  IdentityFile ${fleet.privateKeyFile}`,
        '  User root',
        '',
      ].join('\n'),
    );
    const jump = host(0);
    const target = host(1);
    const before = await fleet.sessionCounts(target);
    const connection: SshConnection = {
      transport: 'ssh',
      address: target.address,
      port: target.port,
      proxyJump: `${jump.address}:${jump.port}`,
    };
    const { outcome, lines } = await run(transport(connection, { sshConfigFile: config }), 'hostname\n');
    expect(outcome.exitCode, outcome.stderr).to.equal(0);
    expect(lines).to.deep.equal([target.name]);
    expect((await fleet.sessionCounts(target)).sessions - before.sessions).to.equal(1);
  });
});
