import { expect } from 'chai';
import { execa } from 'execa';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../../../compiler/errors.ts';
import { renderPlan } from '../../../compiler/render.ts';
import { maskSecrets } from '../../../compiler/secret.ts';
import { secret, template } from '../../../index.ts';
import {
  type AbsolutePath,
  assertConverges,
  type ChrootRoot,
  chrootRoot,
  checkWritesNothing,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
} from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';
import { thrown } from '../../support/thrown.ts';
import { patience } from '../../support/patience.ts';
import { itRefusesWithMessage, type RefusedMessageCase } from '../../support/resource-cases.ts';

/** Templates as Ansible roles have them, with the variables they are given. */
const ANSIBLE_TEMPLATES: Readonly<Record<string, string>> = {
  'nginx.conf.j2': `# {{ managed | default("managed by bosun") }}
worker_processes {{ workers }};
events { worker_connections {{ connections | default(1024) }}; }
http {
{% for site in sites %}
  server {
    listen {{ site.port }}{% if site.default | default(false) %} default_server{% endif %};
    server_name {{ site.names | join(' ') }};
    root /srv/{{ site.names[0] | regex_replace('\\\\.', '_') }};
  }
{% endfor %}
}
`,
  'values.j2': `enabled={{ enabled }} off={{ off }} none=[{{ nothing }}] list={{ sites | map(attribute='port') | list }}
hosts={{ "%s:%d" | format(sites[0].names[0], sites[0].port) }} upper={{ name | upper }} {{ name | b64encode }}
{% if workers > 2 and enabled %}many{% else %}few{% endif %} {{ (workers * 1.5) | int }} {{ sites | length }}
{% set ports = [] %}{% for s in sites %}{{ ports.append(s.port) or '' }}{% endfor %}{{ ports | join(',') }}
{{ mapping | dict2items | map(attribute='key') | join(',') }} {{ name | replace('-', '_') }} {{ '%-6s|' | format(name) }}
{{ sites | map(attribute='port') | max }} {{ sites | map(attribute='port') | min }} {{ ['a', 'b'] | map('upper') | join('') }}
{{ mapping | combine({'c': 3}) }} {{ [[1, 2], [3]] | flatten }} {{ "it's here" | quote }} {{ 'a1b22' | regex_findall('\\\\d+') }}
{{ '1.10.2' is version('1.9', '>') }} {{ name is match('web') }} {{ name is search('b-') }} {{ 2 in [1, 2] }} {{ sites[0] | tojson }}
{{ sites[0] | to_json }} {{ {'é': "<a href='x'>"} | tojson }} {{ [] | to_nice_json }}
{{ sites[1] | to_nice_json(indent=2) }}
{% set seen = [] %}{{ seen.append(1) }}[{{ seen }}]
{# a comment #}last line without a newline`,
  'trailing.j2': 'two trailing newlines\n\n',
  'raw.j2': '{% raw %}\n{{ $labels.instance }} {% if %}{% endraw %}\nafter\n{% raw -%}\n   stripped{% endraw %}|\n',
  'crlf.j2': 'windows\r\nline endings\rand {{ "a\r\nstring" }}\r\n',
};

const VARS = {
  workers: 4,
  enabled: true,
  off: false,
  nothing: null,
  name: 'web-1',
  mapping: { b: 1, a: 2 },
  sites: [
    { port: 80, names: ['example.com', 'www.example.com'], default: true },
    { port: 8080, names: ['admin.example.com'] },
  ],
};

describe('compiler/resources/template', () => {
  let src: AbsolutePath;
  let disposeSrc: () => Promise<void>;
  before(async () => {
    ({ dir: src, dispose: disposeSrc } = await tempDir());
    for (const [name, text] of Object.entries(ANSIBLE_TEMPLATES)) await writeFile(`${src}/${name}`, text);
    await writeFile(`${src}/undefined.j2`, 'first line\nport={{ port }}\nname={{ nme }}\n');
    await writeFile(`${src}/syntax.j2`, 'ok\n{% if %}\n');
    await writeFile(`${src}/latin1.j2`, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await writeFile(`${src}/motd.j2`, 'Welcome to {{ site }}!\n');
    await writeFile(`${src}/password.j2`, 'user={{ user }}\npassword={{ password }}\n');
  });
  after(() => disposeSrc());

  describe('bad input fails at compile time, naming the field and the file', () => {
    const cases: RefusedMessageCase[] = [
      [
        'a relative src',
        () => template({ src: 'templates/motd.j2' as AbsolutePath, path: '/etc/motd' }),
        /template\(\/etc\/motd\)\.src: must be an absolute path or a file: URL/,
      ],
      [
        'a missing template',
        () => template({ src: '/nonexistent/motd.j2', path: '/etc/motd' }),
        /template\(\/etc\/motd\)\.src: \/nonexistent\/motd\.j2: no such file/,
      ],
      [
        'a relative path on the host',
        () => template({ src: '/x.j2', path: 'etc/motd' as AbsolutePath }),
        /template\.path: must be an absolute path/,
      ],
      [
        'an unknown key',
        () => template({ src: '/x.j2', path: '/etc/motd', variables: {} } as never),
        /template\.variables: is not a known parameter/,
      ],
      [
        'a function as a variable',
        () => template({ src: '/x.j2', path: '/etc/motd', vars: { f: (() => 1) as never } }),
        /template\(\/etc\/motd\)\.vars\.f: must be text, a number/,
      ],
      [
        'a nested bad variable',
        () => template({ src: '/x.j2', path: '/etc/motd', vars: { a: [{ b: Number.NaN }] } }),
        /template\(\/etc\/motd\)\.vars\.a\[0\]\.b: must be a finite number/,
      ],
      [
        'a Date as a variable',
        () => template({ src: '/x.j2', path: '/etc/motd', vars: { when: new Date(0) as never } }),
        /vars\.when: must be text/,
      ],
      [
        'a validate without %s',
        () => template({ src: '/x.j2', path: '/etc/motd', validate: ['true'] }),
        /template\(\/etc\/motd\)\.validate: must contain %s/,
      ],
    ];
    itRefusesWithMessage(cases);

    it('an undefined variable names the variable, the template file, its line and column', () => {
      const error = thrown(() => planOf([template({ src: `${src}/undefined.j2`, path: '/etc/app.conf', vars: { port: 80 } })]));
      expect(error).to.be.instanceOf(ValidationError);
      expect(error.describe()).to.equal(
        `${src}/undefined.j2:3:9: role "test": resources[0]: template(/etc/app.conf).src: 'nme' is undefined`,
      );
    });

    it('a syntax error names the file and its line; a template that is not UTF-8 names the file', () => {
      expect(thrown(() => planOf([template({ src: `${src}/syntax.j2`, path: '/etc/x' })])).describe()).to.match(
        new RegExp(`^${src}/syntax\\.j2:2:\\d+: .*template\\(/etc/x\\)\\.src: unexpected token`),
      );
      expect(thrown(() => planOf([template({ src: `${src}/latin1.j2`, path: '/etc/x' })])).message).to.include(
        `${src}/latin1.j2 is not UTF-8 text`,
      );
    });
  });

  it('variables are typed by the role: an interface type is accepted', () => {
    interface MotdVars {
      readonly site: string;
      readonly ports?: readonly number[];
    }
    const vars: MotdVars = { site: 'bosun' };
    expect(planOf([template<MotdVars>({ src: `${src}/motd.j2`, path: '/etc/motd', vars })]).steps[0]!.diff?.desired).to.equal(
      'Welcome to bosun!\n',
    );
  });

  describe('on this machine', () => {
    let dir: AbsolutePath;
    let dispose: () => Promise<void>;
    const tree = (): Promise<string[]> => listTree(dir);
    beforeEach(async () => ({ dir, dispose } = await tempDir()));
    afterEach(() => dispose());

    it('renders a template given as a file: URL, writes it with its mode, diffs it in check mode, and converges', async () => {
      const plan = planOf([template({ src: pathToFileURL(`${src}/motd.j2`), path: `${dir}/motd`, vars: { site: 'web-1' }, mode: '0640' })]);
      const runs = await assertConverges(plan, local, tree);
      expect(runs.check.steps[0]!.diff).to.contain('+Welcome to web-1!');
      expect(await readFile(`${dir}/motd`, 'utf8')).to.equal('Welcome to web-1!\n');
      expect((await stat(`${dir}/motd`)).mode & 0o777).to.equal(0o640);
      const changed = planOf([template({ src: `${src}/motd.j2`, path: `${dir}/motd`, vars: { site: 'web-2' }, mode: '0640' })]);
      const check = await checkWritesNothing(changed, local, tree);
      expect(check.steps[0]!.diff).to.contain('-Welcome to web-1!').and.to.contain('+Welcome to web-2!');
    });

    it('a secret variable makes the whole file secret: masked in the script, no diff, the file right', async () => {
      const plan = planOf([
        template({ src: `${src}/password.j2`, path: `${dir}/db.conf`, vars: { user: 'app', password: secret('hunter2') }, mode: '0600' }),
      ]);
      const rendered = renderPlan(plan);
      expect(maskSecrets(rendered.script, rendered.secrets)).not.to.contain('hunter2').and.not.to.contain('user=app');
      const check = await runPlan(plan, local, 'check');
      expect(check.steps[0]!.diff).to.contain('(sensitive content: diff hidden)');
      const apply = await runPlan(plan, local, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
      expect(apply.log).not.to.contain('hunter2');
      expect(await readFile(`${dir}/db.conf`, 'utf8')).to.equal('user=app\npassword=hunter2\n');
    });

    it('validate refuses a bad rendering and the old file stays', async () => {
      await writeFile(`${dir}/motd`, 'old\n');
      const plan = planOf([
        template({ src: `${src}/motd.j2`, path: `${dir}/motd`, vars: { site: 'x' }, validate: ['grep', '-q', 'nope', '%s'] }),
      ]);
      const apply = await runPlan(plan, local, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
      expect(await readFile(`${dir}/motd`, 'utf8')).to.equal('old\n');
      expect(await readdir(dir)).to.deep.equal(['motd']);
    });
  });

  describe("Ansible's template module @integration", function () {
    this.timeout(patience(120_000));
    let home: AbsolutePath;
    let disposeHome: () => Promise<void>;
    before(async () => ({ dir: home, dispose: disposeHome } = await tempDir()));
    after(() => disposeHome());

    it('renders the same bytes from the same templates and variables', async () => {
      await mkdir(join(home, 'out'));
      await writeFile(join(home, 'ansible.cfg'), '[defaults]\n');
      await writeFile(join(home, 'vars.json'), JSON.stringify(VARS));
      const names = Object.keys(ANSIBLE_TEMPLATES);
      const tasks = names.map(
        (name) => `    - template: { src: ${JSON.stringify(`${src}/${name}`)}, dest: ${JSON.stringify(join(home, 'out', name))} }`,
      );
      await writeFile(join(home, 'play.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks.join('\n')}\n`);
      const ansible = await execa(
        'ansible-playbook',
        ['-i', 'localhost,', '-c', 'local', join(home, 'play.yml'), '-e', `@${join(home, 'vars.json')}`],
        {
          env: {
            ANSIBLE_CONFIG: join(home, 'ansible.cfg'),
            ANSIBLE_HOME: home,
            ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
            ANSIBLE_NOCOLOR: '1',
          },
          reject: false,
        },
      );
      expect(ansible.exitCode, ansible.stdout + ansible.stderr).to.equal(0);
      const plan = planOf(names.map((name) => template({ src: `${src}/${name}`, path: `/etc/${name}`, vars: VARS })));
      for (const [k, name] of names.entries()) {
        expect(plan.steps[k]!.diff?.desired, name).to.equal(await readFile(join(home, 'out', name), 'utf8'));
      }
    });
  });

  describe('on a Debian root @integration', function () {
    this.timeout(patience(120_000));
    let root: ChrootRoot;
    before(async () => (root = await chrootRoot()));
    after(() => root?.dispose());

    it('writes a rendered template owned by a system user, converging; check mode writes nothing', async () => {
      const plan = planOf([
        template({ src: `${src}/nginx.conf.j2`, path: '/etc/nginx.conf', vars: VARS, owner: 'www-data', group: 'www-data', mode: '0640' }),
      ]);
      await assertConverges(plan, root.transport, root.tree);
      const written = await readFile(join(root.root, 'etc/nginx.conf'), 'utf8');
      expect(written).to.contain('listen 80 default_server;\n    server_name example.com www.example.com;\n    root /srv/example_com;');
      expect(written).to.contain('listen 8080;');
      const got = await stat(join(root.root, 'etc/nginx.conf'));
      const uid = Number((await execa('chroot', [root.root, 'id', '-u', 'www-data'])).stdout);
      expect([got.uid, got.mode & 0o777]).to.deep.equal([uid, 0o640]);
    });
  });
});
