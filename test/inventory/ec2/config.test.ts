import { expect } from 'chai';
import type { BosunError } from '../../../compiler/errors.ts';
import { readEc2Config } from '../../../inventory/ec2/config.ts';
import { YamlFile } from '../../../inventory/yaml-file.ts';
import { thrown } from '../../support/thrown.ts';

const read = (text: string) => readEc2Config(new YamlFile(text, '/inv/aws_ec2.yml'));

const failure = (text: string) => thrown<BosunError>(() => read(text));

describe('inventory/ec2/config', () => {
  it('reads an Ansible aws_ec2 config, with defaults', () => {
    const config = read(
      'plugin: aws_ec2\nregions: [us-east-1, eu-west-1]\nfilters:\n  tag:Env: [prod, staging]\ncache: yes\ncache_timeout: 60\ncache_connection: /var/cache/inv\n',
    );
    expect(config.regions.map((r) => r.name)).to.deep.equal(['us-east-1', 'eu-west-1']);
    expect(config.filters).to.deep.equal([
      { name: 'tag:Env', values: ['prod', 'staging'] },
      { name: 'instance-state-name', values: ['running', 'pending', 'stopping', 'stopped'] },
    ]);
    expect(config.hostnames.map((h) => h.source)).to.deep.equal([
      'tag:Name',
      'private-dns-name',
      'private-ip-address',
      'ip-address',
      'instance-id',
    ]);
    expect(config).to.include({ cache: true, cacheTtl: 60, cacheDir: '/var/cache/inv', leadingSeparator: true });
  });

  const errors: [string, string, string][] = [
    [
      'an unknown key',
      'plugin: aws_ec2\nregions: [us-east-1]\nregion: us-east-1\n',
      '/inv/aws_ec2.yml:3:1: region: unknown key in aws_ec2 config',
    ],
    [
      'conditional groups',
      'plugin: aws_ec2\nregions: [us-east-1]\ngroups:\n  web: "\'web\' in tags.Role"\n',
      '/inv/aws_ec2.yml:3:1: groups: unknown key in aws_ec2 config (conditional groups are Jinja, which bosun does not evaluate; use keyed_groups)',
    ],
    ['no regions', 'plugin: aws_ec2\nfilters: {}\n', '/inv/aws_ec2.yml: regions: give at least one region (e.g. regions: [us-east-1])'],
    [
      'a misspelt region',
      'plugin: aws_ec2\nregions:\n  - us-east1\n',
      "/inv/aws_ec2.yml:3:5: regions: unknown AWS region 'us-east1' (known: us-east-1, us-east-2, us-west-1, us-west-2, us-iso-east-1, us-iso-west-1, us-isob-east-1, us-isob-west-1, …)",
    ],
    [
      'an unknown keyed_groups key',
      'plugin: aws_ec2\nregions: [us-east-1]\nkeyed_groups:\n  - key: tags.Role\n    prefx: role\n',
      '/inv/aws_ec2.yml:5:5: keyed_groups.prefx: unknown key (expected key, prefix, separator, parent_group, default_value, trailing_separator)',
    ],
    [
      'a keyed group without key',
      'plugin: aws_ec2\nregions: [us-east-1]\nkeyed_groups:\n  - prefix: role\n',
      '/inv/aws_ec2.yml:4:5: keyed_groups.key: is required',
    ],
    [
      'Jinja in a key',
      'plugin: aws_ec2\nregions: [us-east-1]\nkeyed_groups:\n  - key: tags.Role | lower\n',
      "/inv/aws_ec2.yml:4:5: keyed_groups.key: 'tags.Role | lower' is not a variable path (like tags.Role or tags['a:b']) or a quoted string; bosun does not evaluate Jinja",
    ],
    [
      'an unknown hostname source',
      'plugin: aws_ec2\nregions: [us-east-1]\nhostnames:\n  - public-name\n',
      "/inv/aws_ec2.yml:4:5: hostnames: unknown hostname source 'public-name' (tag:KEY, private-dns-name, private-ip-address, ip-address, dns-name, instance-id)",
    ],
    [
      'a filter given a mapping',
      'plugin: aws_ec2\nregions: [us-east-1]\nfilters:\n  tag:Env: {a: 1}\n',
      '/inv/aws_ec2.yml:4:3: filters.tag:Env: must be a value or a list of values, got a mapping',
    ],
    [
      'a cache flag that is not a boolean',
      'plugin: aws_ec2\nregions: [us-east-1]\ncache: sometimes\n',
      '/inv/aws_ec2.yml:3:1: cache: must be true or false, got string "sometimes"',
    ],
    [
      'an endpoint that is not a URL',
      'plugin: aws_ec2\nregions: [us-east-1]\nendpoint: localhost:4566\n',
      "/inv/aws_ec2.yml:3:1: endpoint: 'localhost:4566' is not an http(s) URL",
    ],
    [
      'a redis cache',
      'plugin: aws_ec2\nregions: [us-east-1]\ncache_plugin: redis\n',
      "/inv/aws_ec2.yml:3:1: cache_plugin: only jsonfile is supported, got 'redis'",
    ],
  ];
  for (const [what, text, message] of errors) {
    it(`refuses ${what}, naming the field, file and line`, () => expect(failure(text).describe()).to.equal(message));
  }
});
