import { expect } from 'chai';
import type { HostnameRule } from '../../../inventory/ec2/config.ts';
import { ANSIBLE_HOSTNAMES, assignNames, preferredName } from '../../../inventory/ec2/hostnames.ts';
import { safeGroupName } from '../../../inventory/ec2/safe-name.ts';

const at = { file: 'aws_ec2.yml' };
const rules = (...sources: (string | Omit<Extract<HostnameRule, { kind: 'prefixed' }>, 'kind' | 'at'>)[]): HostnameRule[] =>
  sources.map((s) => (typeof s === 'string' ? { kind: 'preference', source: s, at } : { kind: 'prefixed', ...s, at }));
const instance = {
  instance_id: 'i-0a',
  private_ip_address: '10.0.0.1',
  private_dns_name: 'ip-10-0-0-1.ec2.internal',
  public_dns_name: '',
  tags: { Name: 'app:blue', Role: 'web' },
  network_interfaces: [{ private_ip_addresses: [{ association: { public_ip: '54.0.0.1' } }] }],
};
const name = (r: HostnameRule[], i: Record<string, unknown> = instance) => preferredName(i, r, safeGroupName);

describe('inventory/ec2: host names', () => {
  it("follows Ansible's default: public DNS name (empty here), then private DNS name", () => {
    expect(name([...ANSIBLE_HOSTNAMES])).to.equal('ip-10-0-0-1.ec2.internal');
    expect(name([...ANSIBLE_HOSTNAMES], { instance_id: 'i-0b' })).to.equal(undefined);
  });

  it('reads tag forms, filter names, nested filter names and literals', () => {
    expect(name(rules('tag:Role=web'))).to.equal('Role_web');
    expect(name(rules('tag:Role=db'))).to.equal(undefined);
    expect(name(rules('tag:Missing,Role'))).to.equal('web');
    expect(name(rules('tag:Name'))).to.equal('app_blue');
    expect(name(rules('network-interface.addresses.association.public-ip'))).to.equal('54.0.0.1');
    expect(name(rules('a-literal'))).to.equal('a-literal');
  });

  it('renders a Jinja2 entry (bosun: Ansible reads it as literal text), no name when it uses what the instance lacks', () => {
    expect(name(rules("{{ tags.Role | upper }}-{{ private_ip_address.split('.')[-1] }}"))).to.equal('WEB-1');
    expect(name(rules('{{ tags.Nope }}', 'tag:Role'))).to.equal('web');
    expect(name(rules({ name: '{{ tags.Role }}', prefix: 'aws', separator: '-' }))).to.equal('aws-web');
    expect(name(rules('{{ tags.Name }}'))).to.equal('app_blue');
  });

  it('reads the dict form: PREFIX + SEPARATOR + NAME, or NAME when the prefix gives nothing', () => {
    expect(name(rules({ name: 'private-ip-address', prefix: 'tag:Role', separator: '-' }))).to.equal('web-10.0.0.1');
    expect(name(rules({ name: 'private-ip-address', prefix: 'tag:Nope', separator: '_' }))).to.equal('10.0.0.1');
    expect(name(rules({ name: 'tag:Nope', prefix: 'tag:Role', separator: '_' }), instance)).to.equal(undefined);
    // Each part is sanitised on its own, as the plugin resolves them apart; a joined name with ':' again, whole.
    expect(name(rules({ name: 'private-ip-address', prefix: 'tag:Name', separator: '-' }))).to.equal('app_blue-10.0.0.1');
    expect(name(rules({ name: 'private-ip-address', prefix: 'tag:Name', separator: ':' }))).to.equal('app_blue_10_0_0_1');
  });

  it('gives a shared name to the instance launched first (then the lowest id); the others get their id', () => {
    const web = (id: string, launched: string) => ({ instance_id: id, launch_time: launched, tags: { Name: 'web' } });
    const instances = [
      web('i-1', '2024-01-02T00:00:00+00:00'),
      web('i-2', '2024-01-01T00:00:00+00:00'),
      web('i-0', '2024-01-02T00:00:00+00:00'),
      { instance_id: 'i-3', tags: { Name: 'db' } },
      { instance_id: 'i-4', tags: {} },
    ];
    expect(assignNames(instances, rules('tag:Name'), safeGroupName)).to.deep.equal(['web_i-1', 'web', 'web_i-0', 'db', undefined]);
    // Same launch second: the lower instance id keeps the name.
    expect(assignNames(instances.slice(0, 1).concat(instances.slice(2, 3)), rules('tag:Name'), safeGroupName)).to.deep.equal([
      'web_i-1',
      'web',
    ]);
  });
});
