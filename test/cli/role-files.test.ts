import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bosunMain as bosun } from '../support/bosun-main.ts';
import { patience } from '../support/patience.ts';

/**
 * A playbook whose role brings files (copy, a tree, a template), run through the bosun command:
 * the files are read before anything runs, a bad one stops the run naming the field and the
 * file, and a saved plan pins their content.
 */
describe('cli: files a role brings (copy, template)', function () {
  this.timeout(patience(120_000));
  let root: string;
  let playbook: string;
  let inventory: string;
  const savedKey = process.env.BOSUN_PLAN_KEY;

  beforeEach(async () => {
    process.env.BOSUN_PLAN_KEY = 'test-plan-key-0123456789abcdef';
    root = await mkdtemp(join(tmpdir(), 'bosun-files-'));
    playbook = join(root, 'site.ts');
    inventory = join(root, 'hosts.ini');
    await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
    const source = await readFile(resolve('test/fixtures/playbooks/role-files.ts'), 'utf8');
    await writeFile(playbook, source.replaceAll("'../../../index.ts'", JSON.stringify(resolve('index.ts'))));
    await writeFile(inventory, `h1 ansible_connection=local root=${root}/h1 files=${root}/role\n`);
    await mkdir(join(root, 'role/conf.d'), { recursive: true });
    await mkdir(join(root, 'h1'));
    await writeFile(join(root, 'role/motd'), 'welcome\n');
    await writeFile(join(root, 'role/conf.d/a b.conf'), Buffer.from([0, 1, 2, 255]));
    await writeFile(join(root, 'role/app.conf.j2'), 'host={{ host }}\nport={{ port }}\n');
  });
  afterEach(async () => {
    if (savedKey === undefined) delete process.env.BOSUN_PLAN_KEY;
    else process.env.BOSUN_PLAN_KEY = savedKey;
    await rm(root, { recursive: true, force: true });
  });

  it('checks, then applies: the files arrive as they are', async () => {
    const check = await bosun('check', playbook, '-i', inventory, '--no-typecheck', '--diff');
    expect(check.code, check.stdout + check.stderr).to.equal(2);
    expect(check.stdout).to.contain('+host=h1');
    const apply = await bosun('apply', playbook, '-i', inventory, '--no-typecheck');
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
    expect(await readFile(join(root, 'h1/etc/app.conf'), 'utf8')).to.equal('host=h1\nport=8080\n');
    expect((await readFile(join(root, 'h1/etc/conf.d/a b.conf'))).equals(Buffer.from([0, 1, 2, 255]))).to.equal(true);
  });

  it('a missing file, or a template using an undefined variable, stops everything: exit 1, the field and the file named', async () => {
    await writeFile(join(root, 'role/app.conf.j2'), 'host={{ host }}\nuser={{ user }}\n');
    const undefinedVariable = await bosun('check', playbook, '-i', inventory, '--no-typecheck');
    expect(undefinedVariable.code).to.equal(1);
    expect(undefinedVariable.stderr)
      .to.contain(`${root}/role/app.conf.j2:2:9:`)
      .and.to.contain(`template(${root}/h1/etc/app.conf).src: 'user' is undefined`);
    await rm(join(root, 'role/motd'));
    const missing = await bosun('apply', playbook, '-i', inventory, '--no-typecheck');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain(`copy(${root}/h1/etc/motd).src: ${root}/role/motd: no such file or directory`);
    expect(await readFile(join(root, 'h1/etc/motd')).catch(() => 'nothing')).to.equal('nothing');
  });

  it('a saved plan pins the content of the files: one changed after the check is refused', async () => {
    const plan = join(root, 'plan.json');
    expect((await bosun('check', playbook, '-i', inventory, '--no-typecheck', '--out', plan)).code).to.equal(2);
    await writeFile(join(root, 'role/conf.d/a b.conf'), Buffer.from([0, 1, 2, 254]));
    const refused = await bosun('apply', plan);
    expect(refused.code, refused.stdout + refused.stderr).to.equal(4);
    expect(refused.stdout).to.match(/failed +h1 +changed since the plan was saved \(its script\)/);
    expect(await readFile(join(root, 'h1/etc/motd')).catch(() => 'nothing')).to.equal('nothing');
    await writeFile(join(root, 'role/conf.d/a b.conf'), Buffer.from([0, 1, 2, 255]));
    const applied = await bosun('apply', plan);
    expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
  });
});
