import { expect } from 'chai';
import type { BosunError } from '../../../compiler/errors.ts';
import { readEc2Config } from '../../../inventory/ec2/config.ts';
import { YamlFile } from '../../../inventory/yaml-file.ts';
import { thrown } from '../../support/thrown.ts';

const read = (text: string) => readEc2Config(new YamlFile(text, '/inv/aws_ec2.yml'));

const failure = (text: string) => thrown<BosunError>(() => read(text));

describe('inventory/ec2/config', () => {
  it("reads an Ansible aws_ec2 config, with Ansible's defaults", () => {
    const config = read(
      'plugin: aws_ec2\nregions: [us-east-1, eu-west-1]\nfilters:\n  tag:Env: [prod, staging]\ncache: yes\ncache_timeout: 60\ncache_connection: /var/cache/inv\n',
    );
    expect(config.regions.map((r) => r.name)).to.deep.equal(['us-east-1', 'eu-west-1']);
    expect(config.includeFilters).to.deep.equal([
      [
        { name: 'tag:Env', values: ['prod', 'staging'] },
        { name: 'instance-state-name', values: ['running', 'pending', 'stopping', 'stopped'] },
      ],
    ]);
    expect(config.excludeFilters).to.deep.equal([]);
    expect(config.hostnames).to.deep.equal([]);
    expect(config).to.include({
      cache: true,
      cacheTtl: 60,
      cacheDir: '/var/cache/inv',
      leadingSeparator: true,
      strict: false,
      strictPermissions: true,
      bosunDefaults: false,
      maxAttempts: 3,
      connectTimeout: 10,
      readTimeout: 30,
    });
  });

  it('reads include_filters, exclude_filters, hostnames forms, compose and groups', () => {
    const config = read(
      [
        'plugin: amazon.aws.aws_ec2',
        'regions: [us-east-1]',
        'include_filters:',
        '  - tag:Role: web',
        '  - {tag:Role: db, instance-state-name: running}',
        'exclude_filters:',
        '  - tag:Env: legacy',
        'hostnames:',
        '  - tag:Role=web',
        '  - name: private-ip-address',
        '    prefix: tag:Name',
        '  - dns-name',
        'compose:',
        '  ansible_host: private_ip_address',
        '  port: 2222',
        'groups:',
        '  web: "\'web\' in tags.Role"',
        'strict: true',
        'connect_timeout: 2',
        'read_timeout: 0.5',
        'max_attempts: 5',
        'bosun_defaults: yes',
        '',
      ].join('\n'),
    );
    const state = { name: 'instance-state-name', values: ['running', 'pending', 'stopping', 'stopped'] };
    expect(config.includeFilters).to.deep.equal([
      [{ name: 'tag:Role', values: ['web'] }, state],
      [
        { name: 'tag:Role', values: ['db'] },
        { name: 'instance-state-name', values: ['running'] },
      ],
    ]);
    expect(config.excludeFilters).to.deep.equal([[{ name: 'tag:Env', values: ['legacy'] }, state]]);
    expect(config.hostnames.map(({ at: _, ...rule }) => rule)).to.deep.equal([
      { kind: 'preference', source: 'tag:Role=web' },
      { kind: 'prefixed', name: 'private-ip-address', prefix: 'tag:Name', separator: '_' },
      { kind: 'preference', source: 'dns-name' },
    ]);
    expect(config.compose.map((c) => [c.name, c.expression])).to.deep.equal([
      ['ansible_host', 'private_ip_address'],
      ['port', '2222'],
    ]);
    expect(config.groups.map((g) => [g.name, g.expression, g.at.line])).to.deep.equal([['web', "'web' in tags.Role", 17]]);
    expect(config).to.include({ strict: true, connectTimeout: 2, readTimeout: 0.5, maxAttempts: 5, bosunDefaults: true });
  });

  const errors: [string, string, string][] = [
    [
      'an unknown key',
      'plugin: aws_ec2\nregions: [us-east-1]\nregion: us-east-1\n',
      '/inv/aws_ec2.yml:3:1: region: unknown key in aws_ec2 config',
    ],
    [
      'a Jinja2 syntax error',
      'plugin: aws_ec2\nregions: [us-east-1]\ngroups:\n  web: "tags.Role =="\n',
      "/inv/aws_ec2.yml:4:3: groups.web: unexpected token: ) in 'tags.Role =='",
    ],
    [
      'a filter bosun lacks',
      'plugin: aws_ec2\nregions: [us-east-1]\ncompose:\n  sg: security_groups | json_query("[].group_id")\n',
      `/inv/aws_ec2.yml:4:3: compose.sg: filter 'json_query' is not available in bosun (in 'security_groups | json_query("[].group_id")')`,
    ],
    [
      'a Jinja2 hostnames entry with a bad filter',
      'plugin: aws_ec2\nregions: [us-east-1]\nhostnames:\n  - "{{ tags.Name | slugify }}"\n',
      "/inv/aws_ec2.yml:4:5: hostnames: filter 'slugify' is not available in bosun (in '{{ tags.Name | slugify }}')",
    ],
    [
      'a hostnames mapping without a name',
      'plugin: aws_ec2\nregions: [us-east-1]\nhostnames:\n  - prefix: tag:Name\n',
      "/inv/aws_ec2.yml:4:5: hostnames.name: a hostnames mapping needs a 'name'",
    ],
    [
      'a misspelt hostnames filter',
      'plugin: aws_ec2\nregions: [us-east-1]\nhostnames:\n  - public-dns-name\n',
      "/inv/aws_ec2.yml:4:5: hostnames: 'public-dns-name' is not a DescribeInstances filter name (did you mean dns-name or private-dns-name?)",
    ],
    [
      'allow_duplicated_hosts',
      'plugin: aws_ec2\nregions: [us-east-1]\nallow_duplicated_hosts: true\n',
      '/inv/aws_ec2.yml:3:1: allow_duplicated_hosts: cannot be true: bosun gives each instance exactly one host name',
    ],
    [
      'a templated credential',
      "plugin: aws_ec2\nregions: [us-east-1]\naws_profile: \"{{ lookup('env', 'AWS_PROFILE') }}\"\n",
      '/inv/aws_ec2.yml:3:1: aws_profile: is a Jinja2 template; bosun does not template credentials: set them in the environment',
    ],
    [
      'a zero read timeout',
      'plugin: aws_ec2\nregions: [us-east-1]\nread_timeout: 0\n',
      '/inv/aws_ec2.yml:3:1: read_timeout: must be a number of seconds > 0, got number 0',
    ],
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
