import { expect } from 'chai';
import { execa } from 'execa';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ChrootRoot, chrootRoot } from '../support/plan-harness.ts';
import { patience } from '../support/patience.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The code blocks of README.md with a `title="path"`: the files of its new infrastructure repository. */
async function readmeFiles(): Promise<Map<string, string>> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const files = new Map<string, string>();
  for (const match of readme.matchAll(/^```\w+ title="([^"]+)"\n([\s\S]*?)^```$/gm)) files.set(match[1]!, match[2]!);
  return files;
}

// bosun as its users get it: the working tree packed by `npm pack` (prepack builds dist/),
// installed from the tarball in a fresh `npm init` project, and run there from its compiled
// modules, on the files README.md tells a new user to write.
describe('package: bosun installed from its tarball in a new project @integration', function () {
  // npm pack runs tsc; npm install unpacks a few hundred packages (from npm's cache when it has them).
  this.timeout(patience(20 * 60_000));
  let work: string;
  let project: string;
  let tarball: string;
  let root: ChrootRoot;
  let env: Record<string, string>;

  const npm = (args: readonly string[], cwd: string) => execa('npm', args, { cwd, all: true, reject: false, env });
  const bosun = (...args: string[]) => execa('npx', ['--no', 'bosun', ...args], { cwd: project, all: true, reject: false, env });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'bosun-package-'));
    // bosun's caches (bundles, type-checks) start empty, and are inspected below.
    env = { XDG_CACHE_HOME: join(work, 'cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    const src = join(work, 'src');
    const listed = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT });
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      await mkdir(dirname(join(src, file)), { recursive: true });
      // A file deleted in the working tree but not yet from the index is not part of it.
      await copyFile(join(ROOT, file), join(src, file)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    // prepack's tsc comes from the clone's own dependencies.
    await symlink(join(ROOT, 'node_modules'), join(src, 'node_modules'));
    const packed = await npm(['pack', '--pack-destination', work], src);
    expect(packed.exitCode, packed.all).to.equal(0);
    tarball = join(work, packed.stdout.trim().split('\n').pop()!);

    project = join(work, 'infra');
    await mkdir(project);
    const init = await npm(['init', '-y'], project);
    expect(init.exitCode, init.all).to.equal(0);
    // --prefer-offline: what npm's cache holds is used without asking the registry.
    const install = await npm(['install', '--save-dev', '--prefer-offline', tarball], project);
    expect(install.exitCode, install.all).to.equal(0);
    for (const [path, text] of await readmeFiles()) {
      await mkdir(dirname(join(project, path)), { recursive: true });
      await writeFile(join(project, path), text);
    }
    root = await chrootRoot();
    await writeFile(join(project, 'hosts.ini'), `image ansible_connection=chroot ansible_host=${root.root}\n`);
  });
  after(async () => {
    await root?.dispose();
    await rm(work, { recursive: true, force: true });
  });

  it('the tarball holds the compiled modules, their declarations, the bin and the docs; no sources, no tests', async () => {
    const listing = (await execa('tar', ['-tzf', tarball])).stdout.split('\n');
    for (const file of ['package/bin/bosun.js', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/cli/main.js']) {
      expect(listing).to.include(file);
    }
    expect(listing).to.include.members(['package/dist/testing/index.js', 'package/dist/testing/index.d.ts', 'package/docs/authoring.md']);
    expect(listing.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).to.deep.equal([]);
    expect(listing.filter((file) => file.startsWith('package/test/') || file.includes('/node_modules/'))).to.deep.equal([]);
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.devDependencies)).to.deep.equal(['bosun']);
  });

  it("type-checks the README's playbook against the installed declarations and checks this machine, writing nothing", async () => {
    const check = await bosun('check', 'playbooks/site.ts');
    // 0 when this machine's /etc/motd already says so, 2 when it would change.
    expect([0, 2], check.all).to.include(check.exitCode);
    expect(check.all).to.match(/ localhost +file \/etc\/motd/);
  });

  it('refuses a playbook with a type error, naming its file and line, and runs nothing', async () => {
    await writeFile(
      join(project, 'playbooks/broken.ts'),
      "import { definePlaybook, file } from 'bosun';\n\nexport default definePlaybook({\n  name: 'broken',\n  plays: [{ name: 'p', hosts: 'all', roles: [{ name: 'r', resources: [file({ path: 'etc/motd', content: '' })] }] }],\n});\n",
    );
    const check = await bosun('check', 'playbooks/broken.ts');
    expect(check.exitCode, check.all).to.equal(1);
    expect(check.all).to.match(/playbooks\/broken\.ts:5:\d+: .*etc\/motd/);
  });

  it('checks, applies and re-applies the playbook on a chroot: the role found its own file through import.meta.dirname', async () => {
    const before = await root.tree();
    const check = await bosun('check', '-i', 'hosts.ini', 'playbooks/site.ts', '--diff');
    expect(check.exitCode, check.all).to.equal(2);
    expect(check.all).to.contain('+This host is managed by bosun');
    expect(await root.tree(), 'check mode wrote to the chroot').to.deep.equal(before);
    const apply = await bosun('apply', '-i', 'hosts.ini', 'playbooks/site.ts');
    expect(apply.exitCode, apply.all).to.equal(0);
    expect(await readFile(join(root.root, 'etc/motd'), 'utf8')).to.equal(await readFile(join(project, 'roles/motd/motd.txt'), 'utf8'));
    const again = await bosun('apply', '-i', 'hosts.ini', 'playbooks/site.ts', '--detailed-exitcode');
    expect(again.exitCode, again.all).to.equal(0);
    expect(again.all).to.match(/ok +image +file \/etc\/motd/);
    const recheck = await bosun('check', '-i', 'hosts.ini', 'playbooks/site.ts');
    expect(recheck.exitCode, recheck.all).to.equal(0);
  });

  it("runs the installed bosun's own modules, and a playbook's bundle imports them instead of carrying a copy", async () => {
    const engine = pathToFileURL(join(project, 'node_modules/bosun/dist/')).href;
    const bundles = join(work, 'cache/bosun/bundles');
    const codes = await Promise.all(
      (await readdir(bundles)).filter((name) => name.endsWith('.mjs')).map((name) => readFile(join(bundles, name), 'utf8')),
    );
    const site = codes.find((code) => code.includes('roles/motd/index.ts'));
    expect(site, 'the bundle of playbooks/site.ts').not.to.equal(undefined);
    expect(site).to.contain(`from "${engine}index.js"`);
    expect(site).not.to.match(/class (ValidationError|BosunError|Secret)\b|function compileFile\b/);
    // No build of bosun's sources was made: the package has none.
    expect(await readdir(join(work, 'cache/bosun'))).not.to.include('engine');
  });

  it('bosun/testing and the shipped roles work from the package: compile, shellcheck, converge on a local folder', async () => {
    await writeFile(
      join(project, 'converge.mjs'),
      `import { file } from 'bosun';
import { unattendedUpgrades } from 'bosun/roles/unattended-upgrades';
import { assertConverges, compileRole, localRoot, renderChecked, testHost } from 'bosun/testing';

renderChecked(compileRole(unattendedUpgrades(), { host: testHost({ vars: { env: 'prod' } }) }));
const root = await localRoot();
try {
  const plan = compileRole({ name: 'hello', resources: [file({ path: \`\${root.dir}/hello\`, content: 'hi\\n' })] }, { host: root.host });
  const runs = await assertConverges(plan, root);
  console.log(JSON.stringify([runs.check, runs.apply, runs.again, runs.recheck].map((run) => run.steps[0].status)));
} finally {
  await root.dispose();
}
`,
    );
    const run = await execa('node', ['converge.mjs'], { cwd: project, all: true, reject: false, env });
    expect(run.exitCode, run.all).to.equal(0);
    expect(run.stdout.trim()).to.equal('["would-change","changed","ok","ok"]');
  });
});
