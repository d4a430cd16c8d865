import { expect } from 'chai';
import type { KeyedGroup } from '../../../inventory/ec2/config.ts';
import { evaluate, parseExpression } from '../../../inventory/ec2/expression.ts';
import { assignNames } from '../../../inventory/ec2/hostnames.ts';
import { keyedGroupNames } from '../../../inventory/ec2/keyed-groups.ts';

const at = { file: 'aws_ec2.yml', line: 1 };
const entry = (key: string, extra: Partial<KeyedGroup> = {}): KeyedGroup => ({
  key: parseExpression(key, 'key', at),
  prefix: '',
  separator: '_',
  trailingSeparator: true,
  at,
  ...extra,
});
const vars = { tags: { Role: 'web-server', Env: 'prod', Empty: '' }, security_groups: ['sg-1', 'sg-2'], instance_type: 't3.micro' };

describe('inventory/ec2: expressions, keyed groups, host names', () => {
  it('evaluates variable paths and literals', () => {
    expect(evaluate(parseExpression('tags.Role', 'k', at), vars)).to.equal('web-server');
    expect(evaluate(parseExpression(`tags["Env"]`, 'k', at), vars)).to.equal('prod');
    expect(evaluate(parseExpression('security_groups[1]', 'k', at), vars)).to.equal('sg-2');
    expect(evaluate(parseExpression('tags.Missing.deeper', 'k', at), vars)).to.equal(undefined);
    expect(evaluate(parseExpression(`'literal'`, 'k', at), vars)).to.equal('literal');
    expect(() => parseExpression('{{ tags.Role }}', 'compose.x', at)).to.throw(/bosun does not evaluate Jinja/);
  });

  it('names groups as Ansible constructed plugins, sanitised', () => {
    expect(keyedGroupNames(entry('tags.Role', { prefix: 'role' }), vars, true)).to.deep.equal(['role_web_server']);
    expect(keyedGroupNames(entry('instance_type'), vars, true)).to.deep.equal(['_t3_micro']);
    expect(keyedGroupNames(entry('instance_type'), vars, false)).to.deep.equal(['t3_micro']);
    expect(keyedGroupNames(entry('security_groups', { prefix: 'sg', separator: '-' }), vars, true)).to.deep.equal(['sg_sg_1', 'sg_sg_2']);
    expect(keyedGroupNames(entry('tags', { prefix: 'tag' }), vars, true)).to.deep.equal([
      'tag_Role_web_server',
      'tag_Env_prod',
      'tag_Empty_',
    ]);
    expect(keyedGroupNames(entry('tags', { prefix: 'tag', trailingSeparator: false }), vars, true)).to.deep.equal([
      'tag_Role_web_server',
      'tag_Env_prod',
      'tag_Empty',
    ]);
    expect(keyedGroupNames(entry('tags.Missing', { prefix: 'x' }), vars, true)).to.deep.equal([]);
    expect(keyedGroupNames(entry('tags.Empty', { prefix: 'x' }), vars, true)).to.deep.equal([]);
    expect(keyedGroupNames(entry('tags.Empty', { prefix: 'x', defaultValue: 'none' }), vars, true)).to.deep.equal(['x_none']);
  });

  it('never merges two instances into one host', () => {
    const instances = [
      { instance_id: 'i-2', tags: { Name: 'web' } },
      { instance_id: 'i-1', tags: { Name: 'web' } },
      { instance_id: 'i-3', tags: { Name: 'db' }, private_ip_address: '10.0.0.3' },
      { instance_id: 'i-4', tags: {}, private_ip_address: '10.0.0.4' },
    ];
    const prefs = ['tag:Name', 'private-ip-address'].map((source) => ({ source, at }));
    expect(assignNames(instances, prefs)).to.deep.equal(['web_i-2', 'web_i-1', 'db', '10.0.0.4']);
  });
});
