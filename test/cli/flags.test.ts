import { expect } from 'chai';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { main } from '../../cli/main.ts';
import { quote } from '../../compiler/quote.ts';
import { bosunMain } from '../support/bosun-main.ts';
import { patience } from '../support/patience.ts';

const FLAGS = resolve('test/fixtures/playbooks/flags.ts');

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Ansible's flags on bosun check/apply, run as the command on this machine (two local hosts, files under a temp dir). */
describe('bosun CLI: the flags an Ansible user types @integration', function () {
  this.timeout(patience(120_000));
  let dir: string;
  let inventory: string;
  /** `bosun COMMAND flags.ts -i INVENTORY ARGS…`, not type-checked (the type-check has its own test). */
  const run = (command: string, ...args: string[]) => bosunMain(command, FLAGS, '-i', inventory, '--no-typecheck', ...args);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-flags-'));
    inventory = join(dir, 'hosts.ini');
    await writeFile(inventory, `[web]\nw1 ansible_connection=local root=${dir}/w1\n[db]\nd1 ansible_connection=local root=${dir}/d1\n`);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('--list-hosts lists the hosts of each play (after --limit) and runs nothing', async () => {
    const all = await run('check', '--list-hosts');
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stdout).to.include(`playbook: ${FLAGS}`);
    expect(all.stdout).to.match(/play #1 \(all\): base\n {4}hosts \(2\):\n {6}w1\n {6}d1\n/);
    expect(all.stdout).to.match(/play #2 \(web\): web only\n {4}hosts \(1\):\n {6}w1\n/);
    const limited = await run('apply', '--list-hosts', '-l', 'd1');
    expect(limited.stdout).to.match(/play #1 \(all\): base\n {4}hosts \(1\):\n {6}d1\n/);
    expect(limited.stdout).to.match(/play #2 \(web\): web only\n {4}hosts \(0\):\n/);
    expect(await exists(join(dir, 'w1'))).to.equal(false);
    expect(await exists(join(dir, 'd1'))).to.equal(false);
  });

  it("--list-tasks lists each play's steps with role and tags, honours --tags, and says when a step is on some hosts only", async () => {
    const { code, stdout } = await run('check', '--list-tasks');
    expect(code).to.equal(0);
    const base = stdout.slice(stdout.indexOf('play #1'), stdout.indexOf('play #2'));
    expect(base).to.include(`layout : directory ${dir}/w1/etc\tTAGS: [dirs, layout]  (1 of 2 hosts)\n`);
    expect(base).to.include(`layout : file ${dir}/d1/etc/motd\tTAGS: [layout, motd]  (1 of 2 hosts)\n`);
    expect(base).to.include('upgrade : upgrade packages\tTAGS: [upgrade]\n');
    // A step tagged `never` runs only when asked for by name, as in Ansible: not listed by default.
    expect(base).not.to.include('rarely');
    expect(stdout.slice(stdout.indexOf('play #2'))).to.include(`site : file ${dir}/w1/site.conf\tTAGS: [site]\n`);
    const tagged = await run('check', '--list-tasks', '-t', 'rare,site');
    expect(tagged.stdout).to.include(`upgrade : file ${dir}/w1/rarely\tTAGS: [never, rare]`);
    expect(tagged.stdout).to.include('site.conf');
    expect(tagged.stdout).not.to.include('upgrade packages');
    expect(await exists(join(dir, 'w1'))).to.equal(false);
  });

  it('--list-tags lists the tags of each play', async () => {
    const { code, stdout } = await run('check', '--list-tags');
    expect(code).to.equal(0);
    expect(stdout).to.match(/play #1 \(all\): base\n {6}TASK TAGS: \[dirs, layout, motd, upgrade\]\n/);
    expect(stdout).to.match(/play #2 \(web\): web only\n {6}TASK TAGS: \[site\]\n/);
  });

  it('--syntax-check loads, type-checks and compiles for every host, runs nothing; a type error exits 1', async () => {
    const ok = await bosunMain('check', FLAGS, '-i', inventory, '--syntax-check');
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.include('syntax ok: loaded, type-checked and compiled for 2 host(s); nothing was run');
    expect(await exists(join(dir, 'w1'))).to.equal(false);
    const broken = await bosunMain('apply', resolve('test/fixtures/playbooks/type-error.ts'), '--syntax-check');
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.match(/type-error\.ts:6:\d+:/);
    // A compile error (a notify naming no handler, here a role that throws) is found for the host it concerns.
    const throws = join(dir, 'throws.ts');
    await writeFile(
      throws,
      `import { definePlaybook } from ${JSON.stringify(resolve('index.ts'))};\nexport default definePlaybook({ name: 'p', plays: [{ name: 'p', hosts: 'db', roles: () => { throw new Error('no config'); } }] });\n`,
    );
    const compileError = await bosunMain('check', throws, '-i', inventory, '--syntax-check', '--no-typecheck');
    expect(compileError.code).to.equal(1);
    expect(compileError.stderr).to.include('its roles function threw for host d1: no config');
  });

  it('two listings at once are refused', async () => {
    const both = await run('check', '--list-hosts', '--list-tasks');
    expect(both.code).to.equal(1);
    expect(both.stderr).to.include('--list-hosts, --list-tasks: give one of these at a time');
  });

  it('--skip-tags leaves out the steps with those tags, and wins over --tags', async () => {
    const apply = await run('apply', '--skip-tags', 'motd,upgrade');
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(await exists(join(dir, 'w1/etc'))).to.equal(true);
    expect(await exists(join(dir, 'w1/etc/motd'))).to.equal(false);
    expect(await exists(join(dir, 'w1/upgraded'))).to.equal(false);
    expect(await exists(join(dir, 'w1/site.conf'))).to.equal(true);
    const both = await run('apply', '-t', 'layout', '--skip-tags', 'dirs', '-l', 'd1');
    expect(both.stdout).to.match(/changed +d1 +file .*\/d1\/etc\/motd/);
    expect(both.stdout).not.to.match(/directory/);
  });

  it('a tag that no step has is an error, for --tags and --skip-tags alike, and nothing runs', async () => {
    for (const flag of ['-t', '--skip-tags']) {
      const result = await run('apply', flag, 'motd,nosuchtag');
      expect(result.code, flag).to.equal(1);
      expect(result.stderr, flag).to.match(
        /nosuchtag: no step of the targeted hosts has this tag \(tags: dirs, layout, motd, never, rare, site, upgrade; see --list-tags\)/,
      );
      expect(result.stdout, flag).to.equal('');
    }
    expect(await exists(join(dir, 'w1'))).to.equal(false);
    // Ansible's special selectors are always known.
    expect((await run('check', '--list-tasks', '-t', 'untagged')).code).to.equal(0);
  });

  it('--start-at-task starts at the first step so named (a glob, or role : name); none matching is an error', async () => {
    const apply = await run('apply', '--start-at-task', 'upgrade packages', '-l', 'd1');
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(apply.stdout).to.match(/changed +d1 +upgrade packages/);
    expect(await exists(join(dir, 'd1/etc'))).to.equal(false);
    expect(await exists(join(dir, 'd1/upgraded'))).to.equal(true);
    const listed = await run('check', '--list-tasks', '--start-at-task', 'layout : file */motd');
    expect(listed.stdout).not.to.include('directory');
    expect(listed.stdout).to.include(`file ${dir}/w1/etc/motd`);
    expect(listed.stdout).to.include('upgrade packages');
    const none = await run('apply', '--start-at-task', 'upgrade everything');
    expect(none.code).to.equal(1);
    expect(none.stderr).to.include('--start-at-task "upgrade everything": no selected step of the targeted hosts has this name');
  });

  it('the output of a successful step is kept in --json and shown with -v when it ends; -vv streams it as it comes, with durations', async () => {
    const json = join(dir, 'apply.json');
    const quiet = await run('apply', '-l', 'd1', '--json', json);
    expect(quiet.code, quiet.stdout + quiet.stderr).to.equal(0);
    expect(quiet.stdout).not.to.include('kept back');
    const report = JSON.parse(await readFile(json, 'utf8'));
    const upgrade = report.hosts[0].steps.find((step: { name: string }) => step.name === 'upgrade packages');
    expect(upgrade).to.include({ status: 'changed', role: 'upgrade', play: 'base' });
    expect(upgrade.output).to.equal('The following packages have been kept back:\n  linux-image-amd64\n');
    await rm(join(dir, 'd1/upgraded'));
    const verbose = await run('apply', '-l', 'd1', '-v');
    expect(verbose.stdout).to.match(
      /changed +d1 +upgrade packages\n {4}The following packages have been kept back:\n {4} {2}linux-image-amd64\n/,
    );
    expect(verbose.stdout).not.to.match(/\(\d+\.\d\d s\)/);
    await rm(join(dir, 'd1/upgraded'));
    const louder = await run('apply', '-l', 'd1', '-vv');
    // The output streamed as it came (on stderr, so its order against the result line is the pipes'), not repeated beneath it.
    expect(louder.stdout).to.include('d1 | The following packages have been kept back:\nd1 |   linux-image-amd64\n');
    expect(louder.stdout).to.match(/changed +d1 +upgrade packages {2}\(\d+\.\d\d s\)\n(?! {4})/);
  });

  it('-C on apply checks instead (writes nothing, exits 2); -D prints the diffs', async () => {
    const result = await run('apply', '-C', '-D', '-l', 'w1');
    expect(result.code, result.stdout + result.stderr).to.equal(2);
    expect(result.stdout).to.include('RECAP (check)');
    expect(result.stdout).to.match(/would-change +w1 +file .*\/w1\/etc\/motd\n(?: {4}.*\n)*? {4}\+welcome to bosun/);
    expect(await exists(join(dir, 'w1'))).to.equal(false);
    const plan = await bosunMain('apply', '--check', join(dir, 'plan.json'));
    expect(plan.code).to.equal(1);
    expect(plan.stderr).to.include('cannot check a saved plan');
  });

  it('--step without a terminal is refused before anything runs', async () => {
    const result = await run('apply', '--step');
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('--step: asks before each step on a terminal, and stdin is not one');
    expect(await exists(join(dir, 'w1'))).to.equal(false);
  });

  it('--step on a real terminal (util-linux script gives bosun a pseudo-terminal): answers typed ahead answer the questions in turn', async () => {
    const bosun = `${quote(process.execPath)} ${quote(resolve('bin/bosun.js'))} apply ${quote(FLAGS)} -i ${quote(inventory)} --no-typecheck --step`;
    const result = await execa('script', ['-qec', bosun, '/dev/null'], { input: 'y\n\nc\n', reject: false, timeout: 90_000 });
    expect(result.exitCode, String(result.stdout)).to.equal(0);
    expect(result.stdout).to.match(/Perform step: directory .*\/w1\/etc \(on 1 of 2 hosts\) \(N\)o\/\(y\)es\/\(c\)ontinue: /);
    expect(result.stdout).to.match(/Perform step: upgrade packages \(N\)o\/\(y\)es\/\(c\)ontinue: /);
    expect(result.stdout).to.include('RECAP (apply)');
    expect(await exists(join(dir, 'w1/etc'))).to.equal(true);
    expect(await exists(join(dir, 'w1/etc/motd'))).to.equal(false);
    expect(await exists(join(dir, 'w1/upgraded'))).to.equal(true);
    expect(await exists(join(dir, 'd1/etc/motd'))).to.equal(true);
  });

  it('--step asks once per step for all hosts before any runs: no (the default) leaves it out, continue runs the rest', async () => {
    const asked: string[] = [];
    const answers = ['y', '', 'c'];
    let stdout = '';
    const code = await main(['apply', FLAGS, '-i', inventory, '--no-typecheck', '--step'], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: () => {},
      isTTY: false,
      questions: () => ({
        ask: async (question) => {
          asked.push(question);
          return answers.shift() ?? 'n';
        },
        close: () => {},
      }),
    });
    expect(code, stdout).to.equal(0);
    expect(asked).to.deep.equal([
      `Perform step: directory ${dir}/w1/etc (on 1 of 2 hosts) (N)o/(y)es/(c)ontinue: `,
      `Perform step: file ${dir}/w1/etc/motd (on 1 of 2 hosts) (N)o/(y)es/(c)ontinue: `,
      'Perform step: upgrade packages (N)o/(y)es/(c)ontinue: ',
    ]);
    expect(await exists(join(dir, 'w1/etc'))).to.equal(true);
    expect(await exists(join(dir, 'w1/etc/motd'))).to.equal(false);
    expect(await exists(join(dir, 'w1/upgraded'))).to.equal(true);
    expect(await exists(join(dir, 'w1/site.conf'))).to.equal(true);
    // d1's steps have names of their own: asked for after "continue", so they all ran.
    expect(await exists(join(dir, 'd1/etc/motd'))).to.equal(true);
  });
});
