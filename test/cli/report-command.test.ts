import { expect } from 'chai';
import { parse, type TestSuites } from 'junit2json';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bosunMain } from '../support/bosun-main.ts';
import { patience } from '../support/patience.ts';

const FLAGS = resolve('test/fixtures/playbooks/flags.ts');

/** The reports of a real run (two local hosts, files under a temp dir), and `bosun report` making them again from its JSON. */
describe('bosun CLI: --junit, --html, --summary-md and bosun report @integration', function () {
  this.timeout(patience(120_000));
  let dir: string;
  let inventory: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-reports-'));
    inventory = join(dir, 'hosts.ini');
    await writeFile(inventory, `[web]\nw1 ansible_connection=local root=${dir}/w1\n[db]\nd1 ansible_connection=local root=${dir}/d1\n`);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a check writes every report asked for; bosun report makes the same ones from the JSON', async () => {
    const at = (name: string): string => join(dir, name);
    const check = await bosunMain(
      'check',
      FLAGS,
      '-i',
      inventory,
      '--no-typecheck',
      ...['--json', at('run.json'), '--junit', at('run.xml'), '--html', at('run.html'), '--summary-md', at('run.md')],
    );
    expect(check.code, check.stdout + check.stderr).to.equal(2);
    const suites = (await parse(await readFile(at('run.xml'), 'utf8'))) as TestSuites;
    expect(suites.testsuite!.map((suite) => [suite.name, suite.tests, suite.failures])).to.deep.equal([
      ['w1', 4, 4],
      ['d1', 3, 3],
    ]);
    const motd = suites.testsuite![0]!.testcase!.find((c) => c.name === `file ${dir}/w1/etc/motd`)!;
    expect(motd.failure![0]).to.include({ type: 'drift', message: 'drift: would change' });
    expect(motd.failure![0]!.inner).to.include('+welcome to bosun');
    expect(await readFile(at('run.md'), 'utf8')).to.match(/^## bosun check: drift on 2 of 2 host\(s\)\n/);
    expect(await readFile(at('run.html'), 'utf8')).to.include('<td class="cell s-would-change"');

    const again = await bosunMain('report', at('run.json'), '--junit', at('again.xml'), '--html', at('again.html'), '--summary-md', '-');
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.equal(await readFile(at('run.md'), 'utf8'));
    expect(await readFile(at('again.xml'), 'utf8')).to.equal(await readFile(at('run.xml'), 'utf8'));
    expect(await readFile(at('again.html'), 'utf8')).to.equal(await readFile(at('run.html'), 'utf8'));
    // Written whole through a temp file and a rename: no temp file is left beside them.
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('bosun report refuses what is not a bosun JSON report, naming the field and the file, and needs a format', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        format: 1,
        mode: 'check',
        playbook: 'p.ts',
        startedAt: 'x',
        durationMs: 1,
        exitCode: 0,
        hosts: [{ host: 'h', status: 'sideways' }],
        notRun: [],
      }),
    );
    const result = await bosunMain('report', bad, '--html', join(dir, 'out.html'));
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(
      `${bad}: hosts[0].status: must be one of ok, changed, would-change, failed, unreachable, got "sideways"`,
    );
    const garbage = join(dir, 'garbage.json');
    await writeFile(garbage, '<html>');
    expect((await bosunMain('report', garbage, '--junit', '-')).stderr).to.include('not a bosun JSON report');
    const none = await bosunMain('report', bad);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.include('say which report to write');
    const missing = await bosunMain('report', join(dir, 'missing.json'), '--junit', '-');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include('cannot read the report');
  });
});
