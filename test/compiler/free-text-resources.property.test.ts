import { expect } from 'chai';
import { execa } from 'execa';
import fc from 'fast-check';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../compiler/errors.ts';
import type { Resource } from '../../compiler/resource.ts';
import { aptRepository, git, hostname, line, sysctl, systemdUnit } from '../../index.ts';
import { fileName, oneLineText, shellText } from '../support/arbitraries.ts';
import { makeTestRepo } from '../support/git-repo.ts';
import { namespacedRoot, type NamespacedRoot } from '../support/namespaced-root.ts';
import {
  type AbsolutePath,
  chrootRootWith,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
  type ChrootRoot,
} from '../support/plan-harness.ts';
import type { Transport } from '../../runner/transport.ts';
import { propertyRuns, propertyTimeout } from '../support/property-runs.ts';

/**
 * The value positions of line (prefix, validate words), hostname, sysctl, systemdUnit
 * names, aptRepository and git: random text is either refused before anything runs,
 * with an error naming its field, or applied and read back byte-exact (the second apply
 * all ok). Generators mix arbitrary text with text of each position's own alphabet, so
 * that both halves are exercised.
 */

/** The resource compiled, or the field its ValidationError names (anything else fails the test). */
function refusedField(resource: Resource): string | undefined {
  try {
    planOf([resource]);
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.field;
  }
}

/** Applies, then applies again expecting every step ok. */
async function applyTwice(resources: Resource[], transport: Transport): Promise<void> {
  const plan = planOf(resources);
  const apply = await runPlan(plan, transport, 'apply');
  expect(statuses(apply), explain(apply)).to.deep.equal(resources.map(() => 'changed'));
  const again = await runPlan(plan, transport, 'apply');
  expect(statuses(again), explain(again)).to.deep.equal(resources.map(() => 'ok'));
}

const alphabet = (chars: string, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: max });
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Mostly text of a position's own alphabet (so that values get through), sometimes anything. */
const mostly = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: shellText });
const mostlyName = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: fileName });

/** Counts the cases a property applied: a property that applied none proved nothing. */
function counter(): { add(): void; check(): void } {
  let count = 0;
  return {
    add: () => {
      count += 1;
    },
    check: () => expect(count, 'no generated case got past validation').to.be.above(0),
  };
}

describe('compiler: random text in the newer resources comes back byte-exact or is refused by name (property) @integration', function () {
  this.timeout(propertyTimeout(600_000));

  it('line: comment prefixes and the words of validate', async () => {
    const { dir, dispose } = await tempDir();
    try {
      await writeFile(`${dir}/record.sh`, 'out=$1; shift; for a; do printf "%s\\0" "$a"; done >"$out"\n');
      let run = 0;
      const done = counter();
      await fc.assert(
        fc.asyncProperty(oneLineText, fc.array(shellText, { maxLength: 4 }), async (prefix, words) => {
          // %s in a word stands for the edited copy; a prefix the line already starts with leaves it alone.
          fc.pre(words.every((word) => !word.includes('%s')) && !'Defaults requiretty'.startsWith(prefix));
          run += 1;
          const path = `${dir}/conf-${run}` as AbsolutePath;
          const seen = `${dir}/seen-${run}`;
          await writeFile(path, 'keep\nDefaults requiretty\n');
          // The recorder is a file: a %s in its text would stand for the edited copy too.
          const recorder = ['sh', `${dir}/record.sh`, seen, ...words, '%s'];
          const edit = line({ path, state: 'commented', regexp: 'requiretty$', prefix, validate: recorder });
          const refused = refusedField(edit);
          expect(refused).to.equal(undefined);
          await applyTwice([edit], local);
          done.add();
          expect(await readFile(path, 'utf8')).to.equal(`keep\n${prefix}Defaults requiretty\n`);
          const args = (await readFile(seen, 'utf8')).split('\0').slice(0, -1);
          expect(args.slice(0, -1)).to.deep.equal(words);
          expect(args.at(-1)).to.match(new RegExp(`^${dir}/\\.bosun\\.`));
        }),
        propertyRuns(20),
      );
      done.check();
    } finally {
      await dispose();
    }
  });

  describe('in a root with namespaces of its own', () => {
    let root: NamespacedRoot;
    before(async () => (root = await namespacedRoot()));
    after(() => root?.dispose());

    it('hostname: names and fully qualified names', async () => {
      const names = mostly(
        fc.tuple(alphabet(`${LOWER}-`, 12), fc.array(alphabet(LOWER, 6), { maxLength: 2 })).map(([a, b]) => [a, ...b].join('.')),
      );
      const done = counter();
      await fc.assert(
        fc.asyncProperty(names, names, async (name, fqdn) => {
          const resource = hostname({ name, fqdn });
          const refused = refusedField(resource);
          if (refused !== undefined) {
            expect(['hostname.name', `hostname(${name}).fqdn`], JSON.stringify([name, fqdn])).to.include(refused);
            return;
          }
          await applyTwice([resource], root.transport);
          done.add();
          expect(await readFile(join(root.root, 'etc/hostname'), 'utf8')).to.equal(`${name}\n`);
          expect(await root.exec('uname -n')).to.equal(`${name}\n`);
          const hosts = await readFile(join(root.root, 'etc/hosts'), 'utf8');
          expect(hosts.split('\n').find((l) => l.startsWith('127.0.1.1'))).to.equal(
            `127.0.1.1\t${fqdn === name ? name : `${fqdn}\t${name}`}`,
          );
        }),
        propertyRuns(20),
      );
      done.check();
    });

    it('sysctl: file names and values (kernel.domainname, a string of the UTS namespace)', async () => {
      let run = 0;
      const values = mostly(alphabet(`${LOWER} .#=:-`, 20)).filter((value) => Buffer.byteLength(value) <= 64);
      const done = counter();
      await fc.assert(
        fc.asyncProperty(mostlyName(alphabet(LOWER, 8)), values, async (name, value) => {
          run += 1;
          const resource = sysctl({ name: `${name}`, settings: { 'kernel.domainname': value } });
          const refused = refusedField(resource);
          if (refused !== undefined) {
            expect(
              [`sysctl.name`, `sysctl(${name}).name`, `sysctl(${name}).settings.kernel.domainname`],
              JSON.stringify([name, value]),
            ).to.include(refused);
            return;
          }
          await applyTwice([resource], root.transport);
          done.add();
          expect(await readFile(join(root.root, 'etc/sysctl.d', `${name}.conf`), 'utf8')).to.equal(
            `# Managed by bosun.\nkernel.domainname = ${value}\n`,
          );
          expect(await root.exec('cat /proc/sys/kernel/domainname')).to.equal(`${value}\n`);
          await root.exec(`rm -f /etc/sysctl.d/*.conf`);
          expect(run).to.be.above(0);
        }),
        propertyRuns(20),
      );
      done.check();
    });
  });

  describe('in a Debian root with git', () => {
    let root: ChrootRoot;
    before(async () => (root = await chrootRootWith(['git'])));
    after(() => root?.dispose());

    it('systemdUnit: unit and drop-in names', async () => {
      let run = 0;
      const names = mostly(alphabet(`${LOWER}-_.:@\\`, 12));
      const done = counter();
      await fc.assert(
        fc.asyncProperty(names, names, async (unit, dropIn) => {
          run += 1;
          const whole = systemdUnit({ name: `p${run}-${unit}.service`, service: { execStart: ['/bin/true'] } });
          const drop = systemdUnit({ name: 'ssh.service', dropIn: `${run}${dropIn}`, service: { limitNOFILE: run } });
          const accepted: Resource[] = [];
          const files: string[] = [];
          const wholeRefused = refusedField(whole);
          if (wholeRefused === undefined) {
            accepted.push(whole);
            files.push(`etc/systemd/system/p${run}-${unit}.service`);
          } else expect(wholeRefused, JSON.stringify(unit)).to.equal('systemdUnit.name');
          const dropRefused = refusedField(drop);
          if (dropRefused === undefined) {
            accepted.push(drop);
            files.push(`etc/systemd/system/ssh.service.d/${run}${dropIn}.conf`);
          } else expect(dropRefused, JSON.stringify(dropIn)).to.equal('systemdUnit(ssh.service).dropIn');
          if (accepted.length === 0) return;
          await applyTwice(accepted, root.transport);
          done.add();
          for (const file of files) expect(await readFile(join(root.root, file), 'utf8')).to.match(/^# Managed by bosun\.\n/);
        }),
        propertyRuns(20),
      );
      done.check();
    });

    it('aptRepository: names, URIs, suites, components and architectures as apt reads them; key bytes as stored', async () => {
      let run = 0;
      const uri = mostly(
        alphabet("abcdefghijklmnopqrstuvwxyz0123456789._~:/?#@!&'()*+,;=-", 16).map((path) => `http://example.org/${path}`),
      );
      const word = mostly(alphabet(`${LOWER}._~+-/`, 10).filter((w) => /^[a-z0-9]/.test(w) && !w.endsWith('/')));
      const done = counter();
      await fc.assert(
        fc.asyncProperty(
          mostlyName(alphabet(LOWER, 6)),
          uri,
          word,
          word,
          fc.uint8Array({ maxLength: 64 }),
          shellText,
          async (name, uris, suite, component, bytes, armorBody) => {
            run += 1;
            const armored = `-----BEGIN PGP PUBLIC KEY BLOCK-----\n${armorBody}\n-----END PGP PUBLIC KEY BLOCK-----\n`;
            const binary = new Uint8Array([0x99, ...bytes]);
            const key = run % 2 === 0 ? armored : binary;
            const resource = aptRepository({
              name: `${run}${name}`,
              uris: [uris],
              suites: [suite],
              components: [component],
              architectures: ['amd64'],
              key,
            });
            const refused = refusedField(resource);
            if (refused !== undefined) {
              expect(refused, JSON.stringify([name, uris, suite, component])).to.match(
                /^aptRepository(\(.*\))?\.(name|uris\[0\]|suites\[0\]|components\[0\]|key)$/,
              );
              return;
            }
            await applyTwice([resource], root.transport);
            done.add();
            const file = `/etc/apt/sources.list.d/${run}${name}.sources`;
            const read = await execa(
              'chroot',
              [
                root.root,
                'apt-get',
                'indextargets',
                '--no-release-info',
                '-o',
                `Dir::Etc::SourceList=${file}`,
                '-o',
                'Dir::Etc::SourceParts=-',
                '--format',
                '$(REPO_URI)\t$(RELEASE)\t$(COMPONENT)\t$(ARCHITECTURE)',
                'Identifier: Packages',
              ],
              { env: { LC_ALL: 'C' } },
            );
            expect(read.stdout.split('\n')[0]).to.equal(`${uris.endsWith('/') ? uris : `${uris}/`}\t${suite}\t${component}\tamd64`);
            const stored = await readFile(join(root.root, `etc/apt/keyrings/${run}${name}.${run % 2 === 0 ? 'asc' : 'gpg'}`));
            expect(new Uint8Array(stored)).to.deep.equal(typeof key === 'string' ? new Uint8Array(Buffer.from(key)) : key);
            await execa('chroot', [root.root, 'rm', '-f', file]);
          },
        ),
        propertyRuns(20),
      );
      done.check();
    });

    it('git: repository paths, checkout paths, branch and tag names', async () => {
      let run = 0;
      const branches = mostly(alphabet(`${LOWER}-_./`, 10));
      const done = counter();
      await fc.assert(
        fc.asyncProperty(fileName, fileName, branches, async (repoName, destName, branch) => {
          run += 1;
          const upstream = `/srv/${run}-${repoName}`;
          const dest = `/srv/${run}-co-${destName}` as AbsolutePath;
          // Odd runs a branch, even runs a tag of that name.
          const kind = run % 2 === 1 ? 'branch' : 'tag';
          const resource = git({ repo: `${upstream}/remote.git`, dest, ref: kind === 'branch' ? { branch } : { tag: branch } });
          const refused = refusedField(resource);
          if (refused !== undefined) {
            expect([`git(${dest}).repo`, `git(${dest}).ref.${kind}`], JSON.stringify([repoName, branch])).to.include(refused);
            return;
          }
          await mkdir(join(root.root, upstream), { recursive: true });
          const repo = await makeTestRepo(join(root.root, upstream));
          const commit = kind === 'branch' ? await repo.commit({ 'a.txt': 'x\n' }, branch) : await repo.commit({ 'a.txt': 'x\n' });
          if (kind === 'tag') await repo.tag(branch);
          await applyTwice([resource], root.transport);
          done.add();
          const inside = (...args: string[]) => execa('chroot', [root.root, 'git', '-C', dest, ...args]).then((r) => r.stdout);
          expect(await inside('rev-parse', 'HEAD')).to.equal(commit);
          if (kind === 'branch') expect(await inside('symbolic-ref', 'HEAD')).to.equal(`refs/heads/${branch}`);
          expect(await inside('config', 'remote.origin.url')).to.equal(`${upstream}/remote.git`);
        }),
        propertyRuns(12),
      );
      done.check();
    });
  });
});
