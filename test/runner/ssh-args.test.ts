import { expect } from 'chai';
import { execa } from 'execa';
import { sshArgs } from '../../runner/ssh-args.ts';
import { diagnose } from '../../runner/ssh-diagnosis.ts';

const base = { transport: 'ssh', address: 'web1.example' } as const;

/** The value given to `-o NAME=…`, or undefined. */
function option(args: readonly string[], name: string): string | undefined {
  const found = args.find((arg, i) => args[i - 1] === '-o' && arg.startsWith(`${name}=`));
  return found?.slice(name.length + 1);
}

describe('runner/ssh-args (the ssh command line)', () => {
  it('keeps host key checking on, batch mode, multiplexing in the control dir, destination last', () => {
    const args = sshArgs(base, {}, '/tmp/ctl');
    expect(option(args, 'BatchMode')).to.equal('yes');
    expect(option(args, 'StrictHostKeyChecking')).to.equal('yes');
    expect(option(args, 'ControlMaster')).to.equal('auto');
    expect(option(args, 'ControlPath')).to.equal('/tmp/ctl/%C');
    expect(option(args, 'ControlPersist')).to.equal('60s');
    expect(args.slice(-3)).to.deep.equal(['-T', '--', 'web1.example']);
    expect(args).not.to.include('-F');
  });

  it('without multiplexing, asks for no master and no control socket, whatever ssh_config says', () => {
    const args = sshArgs(base, { multiplex: false }, '');
    expect(option(args, 'ControlMaster')).to.equal('no');
    expect(option(args, 'ControlPath')).to.equal('none');
    expect(option(args, 'ControlPersist')).to.equal(undefined);
  });

  it('maps acceptNewHostKeys to accept-new (never to "no")', () => {
    expect(option(sshArgs(base, { acceptNewHostKeys: true }, '/c'), 'StrictHostKeyChecking')).to.equal('accept-new');
  });

  it('passes port, user, key (alone), ProxyJump, -F and known_hosts from the inventory and options', () => {
    const args = sshArgs(
      { ...base, port: 2222, user: 'deploy', privateKeyFile: '/k/id', proxyJump: 'bastion:22' },
      { sshConfigFile: '/etc/bosun/ssh_config', knownHostsFile: '/kh' },
      '/c',
    );
    expect(args.slice(0, 2)).to.deep.equal(['-F', '/etc/bosun/ssh_config']);
    expect(args.join(' ')).to.contain('-i /k/id').and.contain('-p 2222').and.contain('-l deploy').and.contain('-J bastion:22');
    expect(option(args, 'IdentitiesOnly')).to.equal('yes');
    expect(option(args, 'UserKnownHostsFile')).to.equal('/kh');
  });

  it('puts the inventory’s extra arguments before bosun’s defaults, so they win (ssh keeps the first value)', () => {
    const args = sshArgs({ ...base, extraArgs: ['-o', 'ControlPersist=5m'] }, {}, '/c');
    expect(args.indexOf('ControlPersist=5m')).to.be.lessThan(args.indexOf('ControlPersist=60s'));
  });

  it('is accepted by the real ssh client (ssh -G parses it)', async () => {
    const args = sshArgs({ ...base, port: 2222, user: 'deploy', proxyJump: 'bastion' }, { acceptNewHostKeys: true }, '/c');
    const destination = args.slice(0, -2);
    const result = await execa('ssh', ['-G', ...destination, 'web1.example']);
    expect(result.stdout).to.match(/^stricthostkeychecking accept-new$/m);
    expect(result.stdout).to.match(/^port 2222$/m);
    expect(result.stdout).to.match(/^batchmode yes$/m);
    expect(result.stdout).to.match(/^proxyjump bastion$/m);
  });
});

describe('runner/ssh-diagnosis', () => {
  const facts = { destination: 'root@10.0.0.1', exitCode: 255, scriptStarted: false } as const;

  it('names a changed host key and refuses it', () => {
    const stderr = '@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@\nHost key verification failed.\n';
    const d = diagnose({ ...facts, stderr });
    expect(d.unreachable).to.equal(true);
    expect(d.reason).to.match(/^host key of root@10\.0\.0\.1 has CHANGED/);
  });

  it('names an unknown host key', () => {
    const d = diagnose({
      ...facts,
      stderr: 'No ED25519 host key is known for 10.0.0.1 and you have requested strict checking.\nHost key verification failed.\n',
    });
    expect(d.reason).to.match(/is not known and strict host key checking is on/);
  });

  it('passes ssh’s own words for a host it could not reach', () => {
    const d = diagnose({ ...facts, stderr: 'ssh: connect to host 10.0.0.1 port 22: Connection refused\n' });
    expect(d).to.deep.equal({ unreachable: true, sessionDied: false, reason: 'ssh: connect to host 10.0.0.1 port 22: Connection refused' });
  });

  it('tells a connection lost mid-run from an unreachable host', () => {
    const d = diagnose({ ...facts, scriptStarted: true, stderr: 'Connection to 10.0.0.1 closed by remote host.\n' });
    expect(d).to.deep.equal({
      unreachable: false,
      sessionDied: true,
      reason: 'connection lost mid-run (Connection to 10.0.0.1 closed by remote host.)',
    });
  });

  it('a connection lost mid-run is said so, not with the last thing the host printed on stderr', () => {
    for (const stderr of ['sudo: unable to resolve host h1: Name or service not known\n', '']) {
      const d = diagnose({ ...facts, scriptStarted: true, stderr });
      expect(d).to.deep.equal({ unreachable: false, sessionDied: true, reason: 'connection lost mid-run' });
    }
  });

  it('a script’s own exit code is not a transport problem', () => {
    expect(diagnose({ ...facts, exitCode: 3, stderr: '', scriptStarted: true })).to.deep.equal({ unreachable: false, sessionDied: false });
  });

  it('says sudo wanted a password', () => {
    const d = diagnose({ ...facts, exitCode: 1, stderr: 'sudo: a password is required\n' });
    expect(d).to.deep.equal({
      unreachable: false,
      sessionDied: false,
      reason: 'sudo requires a password on this host and none was given (use --ask-become-pass)',
    });
  });
});
