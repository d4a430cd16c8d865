import { expect } from 'chai';
import type { KeyedGroup } from '../../../inventory/ec2/config.ts';
import { KeyTypeError, keyedGroupNames } from '../../../inventory/ec2/keyed-groups.ts';
import { contribSafeGroupName, safeGroupName } from '../../../inventory/ec2/safe-name.ts';
import { templateValue } from '../../../inventory/ec2/templar.ts';
import { thrown } from '../../support/thrown.ts';

const at = { file: 'aws_ec2.yml', line: 1 };
const entry = (key: string, extra: Partial<KeyedGroup> = {}): KeyedGroup => ({ key, keyAt: at, prefix: '', separator: '_', at, ...extra });
const vars = {
  tags: { Role: 'web-server', Env: 'prod', Empty: '' },
  security_groups: ['sg-1', 'sg-2'],
  instance_type: 't3.micro',
  ami_launch_index: 0,
  ebs_optimized: false,
  state: { code: 16, name: 'running' },
};
const groups = (key: string, extra: Partial<KeyedGroup> = {}, leading = true) =>
  keyedGroupNames(entry(key, extra), vars, leading, safeGroupName).groups;

describe('inventory/ec2: keyed groups and template values', () => {
  it("gives values as ansible-core 2.14's Templar: bare numbers and booleans kept, the rest rendered then read as Python", () => {
    const value = (expression: string) => templateValue(expression, vars, { field: 'compose.x', at });
    expect(value('ami_launch_index')).to.equal(0);
    expect(value('ebs_optimized')).to.equal(false);
    expect(value('state.code')).to.equal('16');
    expect(value('security_groups')).to.deep.equal(['sg-1', 'sg-2']);
    expect(value("'[1, 2]'")).to.deep.equal([1, 2]);
    expect(value("'True'")).to.equal(true);
    expect(value("tags.get('Nope')")).to.equal('');
    expect(thrown(() => value('tags.Missing')).message).to.equal("compose.x: 'Missing' is undefined");
  });

  it('names groups as Ansible constructed plugins, sanitised', () => {
    expect(groups('tags.Role', { prefix: 'role' })).to.deep.equal(['role_web_server']);
    expect(groups('instance_type')).to.deep.equal(['_t3_micro']);
    expect(groups('instance_type', {}, false)).to.deep.equal(['t3_micro']);
    expect(groups('security_groups', { prefix: 'sg', separator: '-' })).to.deep.equal(['sg_sg_1', 'sg_sg_2']);
    expect(groups('tags', { prefix: 'tag' })).to.deep.equal(['tag_Role_web_server', 'tag_Env_prod', 'tag_Empty_']);
    expect(groups('tags', { prefix: 'tag', trailingSeparator: false })).to.deep.equal(['tag_Role_web_server', 'tag_Env_prod', 'tag_Empty']);
    expect(groups('tags', { prefix: 'tag', defaultValue: 'none' })).to.deep.equal([
      'tag_Role_web_server',
      'tag_Env_prod',
      'tag_Empty_none',
    ]);
    expect(groups('tags.Empty', { prefix: 'x' })).to.deep.equal([]);
    expect(groups('tags.Empty', { prefix: 'x', defaultValue: 'none' })).to.deep.equal(['x_none']);
    expect(groups('tags.Role | upper | replace("-", "")')).to.deep.equal(['_WEBSERVER']);
  });

  it('says why an empty key gave no group (for strict), but not for an empty list or mapping', () => {
    expect(keyedGroupNames(entry('tags.Empty'), vars, true, safeGroupName).empty).to.equal(`'tags.Empty' gave nothing ("")`);
    expect(keyedGroupNames(entry('ami_launch_index'), vars, true, safeGroupName).empty).to.equal(`'ami_launch_index' gave nothing (0)`);
    expect(keyedGroupNames(entry('[]'), vars, true, safeGroupName)).to.deep.equal({ groups: [] });
  });

  it('refuses a key that gives a number or true, as Ansible', () => {
    const error = thrown(() => groups('ami_launch_index + 1 > 0'));
    expect(error).to.be.instanceOf(KeyTypeError);
    expect(error.message).to.include('gives boolean True, not a string, list or mapping');
  });

  it('sanitises as Ansible: a leading digit and anything not a Unicode letter, digit or _', () => {
    expect(safeGroupName('1web:blue-é')).to.equal('_web_blue_é');
    expect(safeGroupName('tag_Rôle_wéb')).to.equal('tag_Rôle_wéb');
    expect(safeGroupName('日本_東京')).to.equal('日本_東京');
    expect(safeGroupName('a b.c')).to.equal('a_b_c');
    expect(contribSafeGroupName('web-1:blue é')).to.equal('web-1_blue__');
  });
});
