import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderPlan } from '../../compiler/render.ts';
import { bosunMain as bosun } from '../support/bosun-main.ts';
import { patience } from '../support/patience.ts';

/**
 * `bosun check --out plan.json` then `bosun apply plan.json`, on two local hosts (each
 * managing files under its own directory): what the plan pins, which flags apply
 * honours and which it refuses, and what the file never holds.
 */
describe('cli: saved plans (check --out, apply plan.json) @integration', function () {
  this.timeout(patience(120_000));
  let root: string;
  let playbook: string;
  let inventory: string;
  let planFile: string;
  const savedKey = process.env.BOSUN_PLAN_KEY;
  const exists = (path: string): Promise<boolean> =>
    access(path).then(
      () => true,
      () => false,
    );
  const writeInventory = (extra = ''): Promise<void> =>
    writeFile(inventory, `h1 ansible_connection=local root=${root}/h1 ${extra}\nh2 ansible_connection=local root=${root}/h2\n`);

  beforeEach(async () => {
    process.env.BOSUN_PLAN_KEY = 'test-plan-key-0123456789abcdef';
    root = await mkdtemp(join(tmpdir(), 'bosun-plan-'));
    playbook = join(root, 'site.ts');
    inventory = join(root, 'hosts.ini');
    planFile = join(root, 'plan.json');
    await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
    const source = await readFile(resolve('test/fixtures/playbooks/files.ts'), 'utf8');
    await writeFile(playbook, source.replaceAll("'../../../index.ts'", JSON.stringify(resolve('index.ts'))));
    await writeInventory();
  });
  afterEach(async () => {
    if (savedKey === undefined) delete process.env.BOSUN_PLAN_KEY;
    else process.env.BOSUN_PLAN_KEY = savedKey;
    await rm(root, { recursive: true, force: true });
  });
  const check = (...extra: string[]) => bosun('check', playbook, '-i', inventory, '-e', 'site=plans', '--out', planFile, ...extra);

  it('saves a plan readable by its owner only, holding no -e value and no plain digest of any script', async () => {
    expect((await check()).code).to.equal(2);
    expect((await stat(planFile)).mode & 0o777).to.equal(0o600);
    const text = await readFile(planFile, 'utf8');
    expect(text).not.to.contain('plans');
    expect(text).not.to.contain('hunter2');
    const plan = JSON.parse(text);
    expect(Object.keys(plan.hosts)).to.deep.equal(['h1', 'h2']);
    expect(plan.hosts.h1.connection).to.deep.equal({ transport: 'local' });
    expect(plan.hosts.h1.become).to.deep.equal({ enabled: false });
    // The script's own sha256 (an offline oracle for the secret inside it) appears nowhere.
    const { prepare } = await import('../../cli/run-command.ts');
    const { targets } = await prepare(playbook, {
      inventories: [inventory],
      tags: [],
      skipTags: [],
      step: false,
      verbosity: 0,
      extraVars: { site: 'plans' },
      diff: false,
      forks: 1,
      acceptNewHostKeys: false,
      askBecomePass: false,
      detailedExitcode: false,
      typecheck: false,
    });
    for (const target of targets) {
      expect(text).not.to.contain(createHash('sha256').update(target.rendered.script).digest('hex'));
      expect(renderPlan(target.plan).digest).to.equal(target.rendered.digest);
    }
  });

  it('applies the saved plan with the same -e; -l narrows it to some of its hosts', async () => {
    expect((await check()).code).to.equal(2);
    const one = await bosun('apply', planFile, '-e', 'site=plans', '-l', 'h1');
    expect(one.code, one.stdout + one.stderr).to.equal(0);
    expect(await readFile(join(root, 'h1/etc/motd'), 'utf8')).to.equal('welcome to plans\n');
    expect(await exists(join(root, 'h2/etc'))).to.equal(false);
    const rest = await bosun('apply', planFile, '-e', 'site=plans');
    expect(rest.code, rest.stdout + rest.stderr).to.equal(0);
    expect(await readFile(join(root, 'h2/etc/motd'), 'utf8')).to.equal('welcome to plans\n');
  });

  it('pins --skip-tags and --start-at-task: apply runs the steps the check selected', async () => {
    expect((await bosun('apply', playbook, '-i', inventory, '-e', 'site=plans', '-t', 'dirs')).code).to.equal(0);
    expect((await check('--skip-tags', 'secret', '--start-at-task', 'file */motd')).code).to.equal(2);
    const plan = JSON.parse(await readFile(planFile, 'utf8'));
    expect(plan).to.include({ startAtTask: 'file */motd' });
    expect(plan.skipTags).to.deep.equal(['secret']);
    const apply = await bosun('apply', planFile, '-e', 'site=plans');
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(await readFile(join(root, 'h1/etc/motd'), 'utf8')).to.equal('welcome to plans\n');
    expect(await exists(join(root, 'h1/etc/token'))).to.equal(false);
  });

  it('refuses -i, -t, --out and -e values other than the saved ones, running nothing', async () => {
    expect((await check()).code).to.equal(2);
    const cases: [string[], RegExp][] = [
      [['-e', 'site=plans', '-i', join(root, 'nosuchfile')], /-i cannot be used with a saved plan/],
      [['-e', 'site=plans', '-t', 'motd'], /-t cannot be used with a saved plan/],
      [['-e', 'site=plans', '--skip-tags', 'motd'], /--skip-tags cannot be used with a saved plan/],
      [['-e', 'site=plans', '--start-at-task', 'x'], /--start-at-task cannot be used with a saved plan/],
      [['-e', 'site=plans', '--step'], /--step cannot be used with a saved plan/],
      [['-e', 'site=plans', '--list-tasks'], /--list-\*\/--syntax-check cannot be used with a saved plan/],
      [['-e', 'site=other'], /-e values differ from those the plan was checked with/],
      [[], /-e values differ/],
    ];
    for (const [args, problem] of cases) {
      const run = await bosun('apply', planFile, ...args);
      expect(run.code, args.join(' ')).to.equal(1);
      expect(run.stderr, args.join(' ')).to.match(problem);
    }
    expect(await exists(join(root, 'h1/etc'))).to.equal(false);
  });

  it('refuses a host whose script or connection changed since the check, saying what changed; applies the others', async () => {
    expect((await check()).code).to.equal(2);
    await writeInventory('ansible_become=true');
    const run = await bosun('apply', planFile, '-e', 'site=plans', '--json', join(root, 'report.json'));
    expect(run.code, run.stdout + run.stderr).to.equal(4);
    const report = JSON.parse(await readFile(join(root, 'report.json'), 'utf8'));
    const h1 = report.hosts.find((host: { host: string }) => host.host === 'h1');
    expect(h1.status).to.equal('failed');
    expect(h1.reason).to.match(/^changed since the plan was saved \(become \{"enabled":false\} → \{"enabled":true\}\)/);
    expect(await exists(join(root, 'h1/etc'))).to.equal(false);
    expect(await readFile(join(root, 'h2/etc/motd'), 'utf8')).to.equal('welcome to plans\n');

    await writeInventory();
    await writeFile(playbook, (await readFile(playbook, 'utf8')).replace('welcome to', 'hello from'));
    const edited = await bosun('apply', planFile, '-e', 'site=plans');
    expect(edited.code).to.equal(4);
    expect(edited.stdout).to.match(/failed +h1 +changed since the plan was saved \(its script\)/);
  });

  it('a host the plan names that is no longer targeted fails; a host it does not name is refused', async () => {
    expect((await check()).code).to.equal(2);
    await writeFile(inventory, `h2 ansible_connection=local root=${root}/h2\nh3 ansible_connection=local root=${root}/h3\n`);
    const run = await bosun('apply', planFile, '-e', 'site=plans');
    expect(run.code).to.equal(4);
    expect(run.stdout).to.match(/failed +h1 +in the saved plan, but the playbook and inventory no longer target this host/);
    expect(run.stdout).to.match(/failed +h3 +this host was not in the saved plan/);
    expect(await exists(join(root, 'h3'))).to.equal(false);
  });

  it('refuses a plan saved with another key: its digests cannot be checked', async () => {
    expect((await check()).code).to.equal(2);
    process.env.BOSUN_PLAN_KEY = 'another-plan-key-0123456789abcdef';
    const run = await bosun('apply', planFile, '-e', 'site=plans');
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/saved with another plan key than BOSUN_PLAN_KEY/);
  });

  it('a plan file that is not one is an error naming the field and the file, not a stack trace', async () => {
    expect((await check()).code).to.equal(2);
    const plan = JSON.parse(await readFile(planFile, 'utf8'));
    for (const [field, broken] of [
      ['hosts', { ...plan, hosts: null }],
      ['run', { ...plan, run: null }],
      ['inventories', { ...plan, inventories: 'hosts.ini' }],
      ['hosts.h1.connection', { ...plan, hosts: { h1: { ...plan.hosts.h1, connection: null } } }],
      ['format', { ...plan, format: 1 }],
    ] as const) {
      await writeFile(planFile, JSON.stringify(broken));
      const run = await bosun('apply', planFile, '-e', 'site=plans');
      expect(run.code, field).to.equal(1);
      expect(run.stderr, field).to.match(new RegExp(`^bosun: ${planFile}: ${field.replaceAll('.', '\\.')}: `));
      expect(run.stderr, field).not.to.match(/TypeError|\n {4}at /);
    }
  });
});
