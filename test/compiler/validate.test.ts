import { expect } from 'chai';
import fc from 'fast-check';
import { ValidationError } from '../../compiler/errors.ts';
import { compileResource, type Resource } from '../../compiler/resource.ts';
import {
  aptRepository,
  attributes,
  block,
  command,
  copy,
  cron,
  download,
  file,
  git,
  group,
  hostname,
  line,
  packages,
  secret,
  service,
  symlink,
  sysctl,
  systemdUnit,
  template,
  touch,
  unarchive,
  user,
} from '../../index.ts';
import { shellText } from '../support/arbitraries.ts';
import { propertyRuns } from '../support/property-runs.ts';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return undefined;
}

const ARMORED = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nx\n-----END PGP PUBLIC KEY BLOCK-----\n';
const PACKAGE = /^[A-Za-z0-9][A-Za-z0-9+._:~-]*$/;
const SERVICE = /^[A-Za-z0-9][A-Za-z0-9@._:-]*$/;
const PRINCIPAL = /^([a-z_][a-z0-9_.-]{0,31}\$?|[0-9]+)$/i;

/** Names that break a strict grammar: options, spaces, shell, globs, empty. */
const badNames = fc.oneof(
  fc.constantFrom('', '-rf', '--purge', 'a b', 'a;b', '$(id)', '`id`', 'x*', 'a/b', '../x', 'name\n', ' lead', "it's", '>out', 'a|b', 'é'),
  shellText,
);

describe('compiler/validate: identifier positions are checked against their grammar', () => {
  const positions: [string, RegExp, (value: string) => Resource, string][] = [
    ['package name', PACKAGE, (v) => packages({ names: ['ok', v] }), 'package.names[1]'],
    ['service name', SERVICE, (v) => service({ name: v, state: 'running' }), 'service.name'],
    ['user name', PRINCIPAL, (v) => user({ name: v }), 'user.name'],
    ['group name', PRINCIPAL, (v) => group({ name: v }), 'group.name'],
    ["user's primary group", PRINCIPAL, (v) => user({ name: 'u', group: v }), 'user(u).group'],
    ["user's supplementary group", PRINCIPAL, (v) => user({ name: 'u', groups: ['adm', v] }), 'user(u).groups[1]'],
    ['file owner', PRINCIPAL, (v) => file({ path: '/x', content: '', owner: v }), 'file(/x).owner'],
    ['cron user', PRINCIPAL, (v) => cron({ file: 'f', user: v, command: 'c', schedule: {} }), 'cron(f).user'],
    ['touch owner', PRINCIPAL, (v) => touch({ path: '/x', owner: v }), 'touch(/x).owner'],
    ['attributes group', PRINCIPAL, (v) => attributes({ path: '/x', group: v }), 'attributes(/x).group'],
    ['unarchive owner', PRINCIPAL, (v) => unarchive({ remoteSrc: '/a.tgz', path: '/x', owner: v }), 'unarchive(/x).owner'],
  ];
  for (const [what, grammar, make, field] of positions) {
    it(`rejects a bad ${what} with a ValidationError naming ${field}, accepts a good one`, () => {
      fc.assert(
        fc.property(badNames, (value) => {
          const got = fieldOf(() => compileResource(make(value)));
          if (grammar.test(value)) expect(got).to.equal(undefined);
          else expect(got, JSON.stringify(value)).to.equal(field);
        }),
        propertyRuns(60),
      );
      expect(fieldOf(() => compileResource(make('good-name_1')))).to.equal(undefined);
    });
  }
});

describe('compiler/validate: a NUL byte is refused in every free-text position', () => {
  const positions: [string, (value: string) => Resource, RegExp][] = [
    ['file content', (v) => file({ path: '/x', content: v }), /^file\(\/x\)\.content$/],
    ['secret file content', (v) => file({ path: '/x', content: secret(v) }), /^file\(\/x\)\.content$/],
    ['file path', (v) => file({ path: `/x${v}`, content: '' }), /^file\.path$/],
    ['symlink target', (v) => symlink({ path: '/x', target: `t${v}` }), /^symlink\(\/x\)\.target$/],
    ['line', (v) => line({ path: '/x', line: v }), /^line\(\/x\)\.line$/],
    ['line regexp', (v) => line({ path: '/x', line: 'l', regexp: v }), /^line\(\/x\)\.regexp$/],
    ['block body', (v) => block({ path: '/x', block: v }), /^block\(\/x\)\.block$/],
    ['block marker', (v) => block({ path: '/x', block: 'b', markerBegin: v }), /^block\(\/x\)\.markerBegin$/],
    ['command argv', (v) => command({ argv: ['echo', v] }), /^command\.argv\[1\]$/],
    ['command env', (v) => command({ argv: ['true'], env: { A: v } }), /\.env\.A$/],
    ['cron command', (v) => cron({ name: 'n', command: v, schedule: {} }), /^cron\(n\)\.command$/],
    ['user comment', (v) => user({ name: 'u', comment: v }), /^user\(u\)\.comment$/],
    ['package name', (v) => packages({ names: [`p${v}`] }), /^package\.names\[0\]$/],
    ['line prefix', (v) => line({ path: '/x', state: 'commented', regexp: 'a', prefix: v }), /^line\(\/x\)\.prefix$/],
    ['line validate word', (v) => line({ path: '/x', line: 'l', validate: ['visudo', '-cf', `%s${v}`] }), /^line\(\/x\)\.validate\[2\]$/],
    [
      'unit description',
      (v) => systemdUnit({ name: 'a.service', unit: { description: `d${v}` }, service: { execStart: ['/bin/true'] } }),
      /\.unit\.description$/,
    ],
    ['unit argument', (v) => systemdUnit({ name: 'a.service', service: { execStart: ['/bin/echo', v] } }), /\.service\.execStart\[1\]$/],
    [
      'unit environment value',
      (v) => systemdUnit({ name: 'a.service', service: { execStart: ['/bin/true'], environment: { A: v } } }),
      /\.service\.environment\.A$/,
    ],
    [
      'unit extra setting',
      (v) => systemdUnit({ name: 'a.service', service: { execStart: ['/bin/true'], extra: { Nice: `1${v}` } } }),
      /\.service\.extra\.Nice$/,
    ],
    ['host name', (v) => hostname({ name: `h${v}` }), /^hostname\.name$/],
    ['sysctl value', (v) => sysctl({ name: 'x', settings: { 'kernel.domainname': `d${v}` } }), /\.settings\.kernel\.domainname$/],
    [
      'apt repository URI',
      (v) => aptRepository({ name: 'x', uris: [`http://a/${v}`], suites: ['s'], components: ['c'], key: ARMORED }),
      /\.uris\[0\]$/,
    ],
    [
      'apt repository armored key',
      (v) => aptRepository({ name: 'x', uris: ['http://a'], suites: ['s'], components: ['c'], key: `${ARMORED}${v}` }),
      /\.key$/,
    ],
    ['git repository', (v) => git({ repo: `/srv/r${v}`, dest: '/srv/x', ref: { branch: 'main' } }), /\.repo$/],
    ['git branch', (v) => git({ repo: '/srv/r', dest: '/srv/x', ref: { branch: `b${v}` } }), /\.ref\.branch$/],
    ['copy path', (v) => copy({ src: '/x', path: `/x${v}` }), /^copy\.path$/],
    ['copy src', (v) => copy({ src: `/x${v}`, path: '/x' }), /^copy\(\/x\)\.src$/],
    ['template path', (v) => template({ src: '/x', path: `/x${v}` }), /^template\.path$/],
    ['template src', (v) => template({ src: `/x${v}`, path: '/x' }), /^template\(\/x\)\.src$/],
    ['download url', (v) => download({ url: `https://example.com/${v}`, path: '/x', sha256: 'a'.repeat(64) }), /^download\(\/x\)\.url$/],
    ['download path', (v) => download({ url: 'https://example.com/', path: `/x${v}`, sha256: 'a'.repeat(64) }), /^download\.path$/],
    ['unarchive path', (v) => unarchive({ remoteSrc: '/a.tgz', path: `/x${v}` }), /^unarchive\.path$/],
    ['unarchive remoteSrc', (v) => unarchive({ remoteSrc: `/a${v}.tgz`, path: '/x' }), /^unarchive\(\/x\)\.remoteSrc$/],
    ['touch path', (v) => touch({ path: `/x${v}` }), /^touch\.path$/],
    ['attributes path', (v) => attributes({ path: `/x${v}`, mode: '0600' }), /^attributes\.path$/],
  ];
  for (const [what, make, field] of positions) {
    it(what, () => {
      fc.assert(
        fc.property(shellText, shellText, (before, after) => {
          try {
            compileResource(make(`${before}\0${after}`));
          } catch (error) {
            expect(error).to.be.instanceOf(ValidationError);
            expect((error as ValidationError).field).to.match(field);
            expect((error as Error).message).to.contain('NUL byte');
            return;
          }
          expect.fail('a NUL byte was accepted');
        }),
        propertyRuns(25),
      );
    });
  }
});
