import { expect } from 'chai';
import { type HostSelector, resolveTargets, scheduleOf } from '../../cli/targets.ts';
import { BosunError } from '../../compiler/errors.ts';
import type { Play, Playbook } from '../../compiler/playbook.ts';
import { file } from '../../index.ts';
import type { Become, Host } from '../../compiler/host.ts';
import { thrown } from '../support/thrown.ts';

/** Hosts by name; a pattern is a comma-separated list of names, or `all`. */
function inventory(hosts: readonly Host[]): HostSelector {
  return { select: (pattern) => (pattern === 'all' ? hosts : hosts.filter((host) => pattern.split(',').includes(host.name))) };
}

function sshHost(name: string, become?: Become): Host {
  return { name, groups: ['all'], vars: {}, connection: { transport: 'ssh', address: name, ...(become && { become }) } };
}

const roles = [{ name: 'r', resources: [file({ path: '/etc/motd', content: 'hi\n' })] }];
const play = (name: string, hosts: string, settings: Partial<Play> = {}): Play => ({ name, hosts, roles, ...settings });
const playbook = (...plays: Play[]): Playbook => ({ name: 'p', plays });

describe('cli/targets', () => {
  describe('become', () => {
    it("comes from the plays, or from the host's own ansible_become / ansible_become_user, which win (as in Ansible)", () => {
      const hosts = [sshHost('plain'), sshHost('off', { enabled: false }), sshHost('other', { user: 'postgres' })];
      const targets = resolveTargets(playbook(play('p', 'all', { become: true })), inventory(hosts), {});
      expect(Object.fromEntries(targets.map((target) => [target.host.name, target.become]))).to.deep.equal({
        plain: { enabled: true },
        off: { enabled: false },
        other: { enabled: true, user: 'postgres' },
      });
      const asUser = resolveTargets(playbook(play('p', 'all', { become: true, becomeUser: 'app' })), inventory([sshHost('plain')]), {});
      expect(asUser[0]!.become).to.deep.equal({ enabled: true, user: 'app' });
    });

    it('plays that disagree on become for a host are refused by name, unless the host itself says', () => {
      const plays = playbook(play('web', 'a', { become: true }), play('audit', 'a,b'));
      const error = thrown(() => resolveTargets(plays, inventory([sshHost('a'), sshHost('b')]), {}));
      expect(error).to.be.instanceOf(BosunError);
      expect(error.message).to.match(/^host a: plays "web" \(become: true\) and "audit" \(become: false\) disagree/);
      // b is in one play only; a settles it with its own variable.
      const settled = resolveTargets(plays, inventory([sshHost('a', { enabled: true }), sshHost('b')]), {});
      expect(settled.map((target) => target.become.enabled)).to.deep.equal([true, false]);
    });
  });

  describe('serial and maxFailPercentage', () => {
    it('are the plays’ when they agree, the command line’s when given, refused when plays disagree', () => {
      const hosts = inventory([sshHost('a'), sshHost('b')]);
      const same = resolveTargets(playbook(play('x', 'a', { serial: 1 }), play('y', 'b', { serial: 1 })), hosts, {});
      expect(scheduleOf(same, {})).to.deep.equal({ serial: 1 });
      const differ = resolveTargets(
        playbook(play('x', 'a', { serial: 1, maxFailPercentage: 10 }), play('y', 'b', { serial: '50%' })),
        hosts,
        {},
      );
      expect(thrown(() => scheduleOf(differ, {})).message).to.match(/plays "x" \(serial: 1\) and "y" \(serial: "50%"\) disagree/);
      expect(thrown(() => scheduleOf(differ, { serial: 2 })).message).to.match(
        /maxFailPercentage: 10\) and "y" \(maxFailPercentage: unset\)/,
      );
      expect(scheduleOf(differ, { serial: 2, maxFailPercentage: 0 })).to.deep.equal({ serial: 2, maxFailPercentage: 0 });
      // A play that targets no host has no say.
      const idle = resolveTargets(playbook(play('x', 'a', { serial: 1 }), play('y', 'nobody', { serial: 5 })), hosts, {});
      expect(scheduleOf(idle, {})).to.deep.equal({ serial: 1 });
    });
  });
});
