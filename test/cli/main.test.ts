import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bosunMain } from '../support/bosun-main.ts';
import { patience } from '../support/patience.ts';

const FILES = resolve('test/fixtures/playbooks/files.ts');

const bosun = bosunMain;

describe('bosun CLI (local host, files under a temp dir) @integration', function () {
  // A cold type-check of a playbook takes seconds, more on a loaded machine.
  this.timeout(patience(120_000));
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bosun-cli-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('compile prints a shellcheck-clean script with secrets masked', async () => {
    const { code, stdout } = await bosun('compile', FILES, '-e', `root=${root}`);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^#!\/bin\/sh/);
    expect(stdout).to.include('********');
    expect(stdout).not.to.include('hunter2');
    const script = join(root, 'script.sh');
    await writeFile(script, stdout);
    execFileSync('shellcheck', ['-s', 'sh', script]);
  });

  it('check exits 2 and writes nothing; apply converges; a second check exits 0', async () => {
    const json = join(root, 'report.json');
    const check = await bosun('check', FILES, '-e', `root=${root}`, '--diff', '--json', json);
    expect(check.code, check.stdout + check.stderr).to.equal(2);
    expect(check.stdout).to.match(/would-change +localhost +file .*\/etc\/motd/);
    expect(check.stdout).to.include('+welcome to bosun');
    expect(check.stdout).to.include('(sensitive content: diff hidden)');
    expect(check.stdout).not.to.include('hunter2');
    await expectMissing(join(root, 'etc'));
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.exitCode).to.equal(2);
    expect(report.hosts[0].host).to.equal('localhost');
    expect(report.hosts[0].planHash).to.match(/^[0-9a-f]{64}$/);
    expect(report.hosts[0].steps.map((s: { status: string }) => s.status)).to.deep.equal(['would-change', 'would-change', 'would-change']);
    expect(JSON.stringify(report)).not.to.include('hunter2');

    const apply = await bosun('apply', FILES, '-e', `root=${root}`);
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(await readFile(join(root, 'etc/motd'), 'utf8')).to.equal('welcome to bosun\n');
    expect(await readFile(join(root, 'etc/token'), 'utf8')).to.equal("hunter2-very'secret");
    expect((await stat(join(root, 'etc/token'))).mode & 0o777).to.equal(0o600);
    expect(apply.stdout).not.to.include('hunter2');

    expect((await bosun('check', FILES, '-e', `root=${root}`)).code).to.equal(0);
    expect((await bosun('apply', FILES, '-e', `root=${root}`, '--detailed-exitcode')).code).to.equal(0);
    await writeFile(join(root, 'etc/motd'), 'edited by hand\n');
    const drift = await bosun('check', FILES, '-e', `root=${root}`, '--diff');
    expect(drift.code).to.equal(2);
    expect(drift.stdout).to.include('-edited by hand');
    expect((await bosun('apply', FILES, '-e', `root=${root}`, '--detailed-exitcode')).code).to.equal(2);
  });

  it('--tags keeps only the tagged steps', async () => {
    const apply = await bosun('apply', FILES, '-e', `root=${root}`, '-t', 'dirs');
    expect(apply.code).to.equal(0);
    await stat(join(root, 'etc'));
    await expectMissing(join(root, 'etc/motd'));
  });

  it('--limit @file runs only the hosts the file names, as for bosun inventory', async () => {
    const inventory = join(root, 'hosts.ini');
    await writeFile(inventory, '[here]\nfirst ansible_connection=local\nsecond ansible_connection=local\n');
    await writeFile(join(root, 'retry'), '# from the last run\nsecond\n');
    const check = await bosun('check', FILES, '-i', inventory, '-l', `@${join(root, 'retry')}`, '-e', `root=${root}`);
    expect(check.code, check.stdout + check.stderr).to.equal(2);
    expect(check.stdout).to.match(/would-change +second +/);
    expect(check.stdout).not.to.match(/ first /);
    const missing = await bosun('check', FILES, '-i', inventory, '-l', `@${join(root, 'nowhere')}`, '-e', `root=${root}`);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/limit: cannot read .*nowhere/);
  });

  it('a failed step exits 4 and names the step', async () => {
    const apply = await bosun('apply', FILES, '-e', `root=${root}`, '-e', 'fail=true');
    expect(apply.code).to.equal(4);
    expect(apply.stdout).to.match(/failed +localhost +command false/);
  });

  it('a type error prints file:line:col and exits 1 having run nothing', async () => {
    const result = await bosun('check', resolve('test/fixtures/playbooks/type-error.ts'));
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/type-error\.ts:6:\d+: .*logRotate|type-error\.ts:6:\d+: .*'string' is not assignable to type 'number'/);
    expect(result.stdout).to.equal('');
  });

  it('an unknown role parameter is refused at run time, naming it', async () => {
    const result = await bosun('check', resolve('test/fixtures/playbooks/unknown-param.ts'));
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('unattendedUpgrades.logRotat: is not a known parameter');
    expect(result.stdout).to.equal('');
  });

  it('a playbook that throws, or exports the wrong shape, is an error naming the file (and line), exit 1, nothing run', async () => {
    const index = JSON.stringify(resolve('index.ts'));
    await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
    const cases: [string, string, RegExp][] = [
      [
        'throws.ts',
        `import { definePlaybook } from ${index};\nexport default definePlaybook({ name: 'p', plays: [{ name: 'p', hosts: 'all',\n  roles: () => {\n    throw new Error('no config for this host');\n  } }] });\n`,
        /throws\.ts:4:11: play "p": its roles function threw for host localhost: no config for this host$/,
      ],
      [
        'secret-as-text.ts',
        `import { definePlaybook, file, secret } from ${index};\nconst pw = secret('hunter2');\nexport default definePlaybook({ name: 'p', plays: [{ name: 'p', hosts: 'all', roles: () => [\n  { name: 'r', resources: [file({ path: '/tmp/x', content: \`password=\${pw}\` })] }] }] });\n`,
        /secret-as-text\.ts:4:.*a secret was used as text .* secretText/,
      ],
      [
        'hosts-number.js',
        `export default { name: 'p', plays: [{ name: 'p', hosts: 5, roles: [] }] };\n`,
        /hosts-number\.js: plays\[0\]\.hosts: must be a string, got number 5$/,
      ],
      [
        'null-role.js',
        `export default { name: 'p', plays: [{ name: 'p', hosts: 'all', roles: [null] }] };\n`,
        /null-role\.js: plays\[0\]\.roles\[0\]: must be an object, got null$/,
      ],
      [
        'returns-junk.js',
        `export default { name: 'p', plays: [{ name: 'p', hosts: 'all', roles: () => 'web' }] };\n`,
        /returns-junk\.js: host localhost: play "p": roles\(localhost\): must be a list of roles/,
      ],
    ];
    for (const [name, source, problem] of cases) {
      await writeFile(join(root, name), source);
      const result = await bosun('check', join(root, name), '--no-typecheck');
      expect(result.code, name).to.equal(1);
      expect(result.stderr.trim(), name).to.match(problem);
      expect(result.stderr, name).not.to.match(/TypeError|\n {4}at /);
      expect(result.stdout, name).to.equal('');
    }
  });

  it('bad flags exit 1', async () => {
    expect((await bosun('check', FILES, '--forks', 'zero')).code).to.equal(1);
    expect((await bosun('check', FILES, '--serial', 'lots')).code).to.equal(1);
    expect((await bosun('frobnicate')).code).to.equal(1);
    expect((await bosun('check', join(root, 'missing.ts'))).code).to.equal(1);
  });
});

async function expectMissing(path: string): Promise<void> {
  try {
    await stat(path);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT');
    return;
  }
  expect.fail(`${path} exists`);
}
