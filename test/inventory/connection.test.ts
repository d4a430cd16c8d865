import { expect } from 'chai';
import type { ValidationError } from '../../compiler/errors.ts';
import { connectionFor, toBoolean } from '../../inventory/connection.ts';

const nowhere = (): undefined => undefined;

describe('inventory/connection', () => {
  it('defaults to ssh to the host name', () => {
    expect(connectionFor('web1', {}, nowhere)).to.deep.equal({ transport: 'ssh', address: 'web1' });
  });

  it('maps every Ansible connection variable', () => {
    const connection = connectionFor(
      'web1',
      {
        ansible_host: '10.0.0.5',
        ansible_port: '2222',
        ansible_user: 'deploy',
        ansible_ssh_private_key_file: '~/.ssh/fleet',
        ansible_ssh_common_args: `-o StrictHostKeyChecking=no -o ProxyCommand="ssh -W %h:%p bastion"`,
        ansible_become: 'yes',
        ansible_become_user: 'postgres',
      },
      nowhere,
    );
    expect(connection).to.deep.equal({
      transport: 'ssh',
      address: '10.0.0.5',
      port: 2222,
      user: 'deploy',
      privateKeyFile: '~/.ssh/fleet',
      extraArgs: ['-o', 'StrictHostKeyChecking=no', '-o', 'ProxyCommand=ssh -W %h:%p bastion'],
      become: { enabled: true, user: 'postgres' },
    });
  });

  it('lets bosun_* variables win over ansible_* ones', () => {
    const connection = connectionFor(
      'h',
      {
        ansible_host: 'a',
        bosun_host: 'b',
        ansible_port: 22,
        bosun_port: 2200,
        bosun_ssh_args: ['-v'],
        bosun_proxy_jump: 'jump@bastion',
        bosun_become: false,
      },
      nowhere,
    );
    expect(connection).to.deep.equal({
      transport: 'ssh',
      address: 'b',
      port: 2200,
      extraArgs: ['-v'],
      proxyJump: 'jump@bastion',
      become: { enabled: false },
    });
  });

  it('maps ansible_connection=local and chroot', () => {
    expect(connectionFor('localhost', { ansible_connection: 'local', ansible_become: true }, nowhere)).to.deep.equal({
      transport: 'local',
      become: { enabled: true },
    });
    expect(connectionFor('img', { ansible_connection: 'chroot', ansible_host: '/srv/root' }, nowhere)).to.deep.equal({
      transport: 'chroot',
      root: '/srv/root',
    });
    expect(connectionFor('x', { ansible_connection: 'smart' }, nowhere).transport).to.equal('ssh');
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['a port that is not a number', { ansible_port: 'ssh' }, /ansible_port: "ssh" is not a TCP port \(1-65535\) \(host h\)/],
    ['a port out of range', { ansible_port: 70000 }, /not a TCP port/],
    ['an unsupported transport', { ansible_connection: 'winrm' }, /transport 'winrm' is not supported/],
    ['a become flag that is not a boolean', { ansible_become: 'maybe' }, /ansible_become: "maybe" is not a boolean/],
    ['a Jinja template', { ansible_host: '{{ inventory_hostname }}.example.com' }, /Jinja template/],
    ['unbalanced quotes in ssh args', { ansible_ssh_common_args: '-o "open' }, /cannot split/],
    ['a relative chroot root', { ansible_connection: 'chroot', ansible_host: 'srv/root' }, /absolute path/],
  ];
  for (const [what, vars, message] of bad) {
    it(`refuses ${what}, naming the variable, host and where it was set`, () => {
      try {
        connectionFor('h', vars, () => ({ file: 'group_vars/all.yml', line: 3 }));
        expect.fail('no error');
      } catch (error) {
        expect((error as ValidationError).describe())
          .to.match(/^group_vars\/all\.yml:3: /)
          .and.to.match(message);
      }
    });
  }

  it('reads booleans as Ansible does', () => {
    for (const yes of [true, 'yes', 'True', 'on', '1', 1, 'y', 't']) expect(toBoolean(yes)).to.equal(true);
    for (const no of [false, 'no', 'False', 'off', '0', 0, 'n', 'f']) expect(toBoolean(no)).to.equal(false);
    expect(toBoolean('sometimes')).to.equal(undefined);
  });
});
