import { expect } from 'chai';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { readFile, readlink, stat, writeFile } from 'node:fs/promises';
import type { Plan } from '../../compiler/plan.ts';
import type { Resource } from '../../compiler/resource.ts';
import * as bosun from '../../index.ts';
import { block, directory, file, handler, line, secret, symlink, command, absent } from '../../index.ts';
import { renderPlan } from '../../compiler/render.ts';
import { parseFrame } from '../../compiler/protocol.ts';
import { planOf, tempDir, type AbsolutePath } from '../support/plan-harness.ts';
import { renderChecked } from '../../testing/shellcheck.ts';
import { listTree } from '../../testing/tree.ts';
import { ROOT } from '../support/source-tree.ts';

function samplePlan(dir: AbsolutePath): Plan {
  return planOf(
    [
      directory({ path: `${dir}/etc/app`, mode: '0750' }),
      file({ path: `${dir}/etc/app/app.conf`, content: 'a = 1\nb = "two"\n', mode: '0640', notify: ['reload'] }),
      file({ path: `${dir}/etc/app/token`, content: secret('hunter2') }),
      line({ path: `${dir}/etc/app/app.conf`, line: 'c = 3', regexp: '^c =' }),
      block({ path: `${dir}/etc/app/extra.conf`, block: 'x\ny\n', create: true }),
      symlink({ path: `${dir}/etc/app/current`, target: 'app.conf' }),
      absent({ path: `${dir}/etc/app/old` }),
    ],
    { handlers: [handler('reload', command({ argv: ['touch', `${dir}/reloaded`] }))] },
  );
}

/** Statuses by step index, from the framed lines of a run. */
function results(stdout: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const line of stdout.split('\n')) {
    const event = parseFrame(line);
    if (event?.t === 'result') out[event.i] = event.s;
  }
  return out;
}

describe('compiler/render', () => {
  it('renders the same plan to a byte-identical script and hash', () => {
    const a = renderChecked(samplePlan('/srv/x'));
    const b = renderChecked(samplePlan('/srv/x'));
    expect(b.script).to.equal(a.script);
    expect(b.digest).to.equal(a.digest);
    // The digest is of the script with its secrets masked: no oracle for them.
    expect(a.digest).to.equal(createHash('sha256').update(a.script.replaceAll('hunter2', '********')).digest('hex'));
    expect(JSON.parse(JSON.stringify(samplePlan('/srv/x')))).to.deep.equal(JSON.parse(JSON.stringify(samplePlan('/srv/x'))));
    const other = renderChecked(samplePlan('/srv/y'));
    expect(other.digest).not.to.equal(a.digest);
    expect(a.secrets).to.deep.equal(['hunter2']);
  });

  it('keeps a name with a line break inside its comment line, and runs none of it', async () => {
    const { dir, dispose } = await tempDir();
    try {
      const evil = `${dir}/x\ntouch ${dir}/pwned #` as `/${string}`;
      const rendered = renderChecked(planOf([absent({ path: evil })]));
      expect(rendered.script).to.contain(`# 0: absent ${dir}/x?touch ${dir}/pwned #\n`);
      for (const mode of ['check', 'apply']) {
        const result = await execa('sh', ['-s', mode], { input: rendered.script, reject: false });
        expect(result.stdout).to.contain('{"t":"end"}');
      }
      expect(await listTree(dir)).to.have.length(1);
    } finally {
      await dispose();
    }
  });

  for (const shell of [['dash'], ['busybox', 'sh']]) {
    it(`applies and re-checks a plan under ${shell.join(' ')}`, async () => {
      const { dir, dispose } = await tempDir();
      try {
        const { script } = renderChecked(samplePlan(dir));
        const [bin, ...args] = shell as [string, ...string[]];
        const apply = await execa(bin, [...args, '-s', 'apply'], { input: script, reject: false });
        expect(apply.exitCode, apply.stderr).to.equal(0);
        expect(apply.stdout).to.contain('@@bosun {"t":"end"}');
        expect(results(apply.stdout)).to.deep.equal({
          0: 'changed',
          1: 'changed',
          2: 'changed',
          3: 'changed',
          4: 'changed',
          5: 'changed',
          6: 'ok',
          7: 'changed',
        });
        expect(await readFile(`${dir}/etc/app/app.conf`, 'utf8')).to.equal('a = 1\nb = "two"\nc = 3\n');
        expect((await stat(`${dir}/etc/app`)).mode & 0o777).to.equal(0o750);
        expect(await readlink(`${dir}/etc/app/current`)).to.equal('app.conf');
        expect(await readFile(`${dir}/etc/app/extra.conf`, 'utf8')).to.equal(
          '# BEGIN BOSUN MANAGED BLOCK\nx\ny\n# END BOSUN MANAGED BLOCK\n',
        );
        await stat(`${dir}/reloaded`);
        const tree = await listTree(dir);
        const check = await execa(bin, [...args, '-s', 'check'], { input: script, reject: false });
        expect(check.exitCode, check.stderr).to.equal(0);
        // The line step rewrites app.conf that the file step owns: the two disagree, as they should be reported.
        expect(results(check.stdout)).to.deep.equal({
          0: 'ok',
          1: 'would-change',
          2: 'ok',
          3: 'ok',
          4: 'ok',
          5: 'ok',
          6: 'ok',
          7: 'unknown',
        });
        expect(await listTree(dir)).to.deep.equal(tree);
      } finally {
        await dispose();
      }
    });
  }

  it('passes shellcheck with typographic quotes inside quoted values (found by the property test)', () => {
    const plan = planOf([
      file({ path: '/etc/quotes', content: '‘single’ “double” „low"' }),
      block({ path: '/etc/quotes.conf', block: 'x', marker: '‘ {mark}' }),
    ]);
    expect(renderChecked(plan).script).to.include('‘single’');
  });

  it('passes shellcheck with a leading tilde inside a quoted value (found by the property test)', () => {
    const plan = planOf([command({ argv: ['printf', '%s', '~/ ', '~root'] })]);
    expect(renderChecked(plan).script).to.include(`'~/ '`);
  });

  it('passes shellcheck with a step of every resource kind, and their handlers, in one plan', async () => {
    // npm run test:unit runs plans without shellchecking each (BOSUN_SHELLCHECK_RUNS=0): this keeps every kind's script under it.
    const { dir, dispose } = await tempDir();
    try {
      await writeFile(`${dir}/copied`, 'copied\n');
      await writeFile(`${dir}/template.j2`, 'name = {{ name }}\n');
      const at = (name: string) => `${dir}/${name}` as AbsolutePath;
      const every: Record<string, Resource> = {
        file: bosun.file({ path: at('f'), content: 'a\n', owner: 'root', notify: ['reload'] }),
        directory: bosun.directory({ path: at('d'), mode: '0750' }),
        absent: bosun.absent({ path: at('old') }),
        symlink: bosun.symlink({ path: at('l'), target: 'f' }),
        line: bosun.line({ path: at('f'), line: 'b = 2', regexp: '^b =', insertAfter: '^a' }),
        block: bosun.block({ path: at('f'), block: 'x\n', create: true }),
        packages: bosun.packages({ names: ['curl'] }),
        service: bosun.service({ name: 'cron', state: 'running', enabled: true }),
        command: bosun.command({ argv: ['touch', at('ran')], creates: at('ran') }),
        cron: bosun.cron({ name: 'n', command: 'true', schedule: { minute: '5' } }),
        user: bosun.user({ name: 'app', group: 'app' }),
        group: bosun.group({ name: 'app', gid: 2700 }),
        flushHandlers: bosun.flushHandlers(),
        sysctl: bosun.sysctl({ name: 'app', settings: { 'vm.swappiness': '10' } }),
        hostname: bosun.hostname({ name: 'web1' }),
        systemdUnit: bosun.systemdUnit({ name: 'app.service', unit: { description: 'app' }, service: { execStart: ['/bin/true'] } }),
        aptRepository: bosun.aptRepository({
          name: 'x',
          uris: ['http://deb.example.com/debian'],
          suites: ['bookworm'],
          components: ['main'],
          key: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nx\n-----END PGP PUBLIC KEY BLOCK-----\n',
        }),
        git: bosun.git({ repo: '/srv/repo', dest: at('checkout'), ref: { branch: 'main' } }),
        copy: bosun.copy({ src: at('copied'), path: at('c'), mode: '0600' }),
        template: bosun.template({ src: at('template.j2'), path: at('t'), vars: { name: 'x' } }),
        download: bosun.download({ url: 'https://example.com/a.tgz', path: at('a.tgz'), sha256: 'a'.repeat(64) }),
        unarchive: bosun.unarchive({ remoteSrc: at('a.tgz'), path: at('unpacked') }),
        attributes: bosun.attributes({ path: at('f'), mode: '0640' }),
        touch: bosun.touch({ path: at('touched') }),
      };
      // A resource kind added to index.ts and not here fails this test, rather than go unchecked.
      const index = await readFile(`${ROOT}/index.ts`, 'utf8');
      const kinds = [...index.matchAll(/^export \{ (\w+) \} from '\.\/compiler\/resources\//gm)].map((m) => m[1]);
      expect(Object.keys(every).sort()).to.deep.equal(kinds.sort());
      const plan = planOf(Object.values(every), { handlers: [handler('reload', bosun.service({ name: 'cron', state: 'reloaded' }))] });
      expect(renderChecked(plan).script).to.include('_bosun_end');
    } finally {
      await dispose();
    }
  });

  it('refuses an unknown mode before doing anything', async () => {
    const { script } = renderPlan(planOf([]));
    const result = await execa('sh', ['-s', 'apply!'], { input: script, reject: false });
    expect(result.exitCode).to.equal(64);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.contain('unknown mode');
  });
});
