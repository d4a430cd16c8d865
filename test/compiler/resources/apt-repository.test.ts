import { itRefuses, itRenders, type RefusedCase, type RenderedCase } from '../../support/resource-cases.ts';
import { expect } from 'chai';
import { execa } from 'execa';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aptRepository, packages, type AptRepositoryProps } from '../../../index.ts';
import { makeSignedRepo, type SignedRepo } from '../../support/signed-apt-repo.ts';
import { assertConverges, chrootRoot, explain, planOf, runPlan, statuses, type ChrootRoot } from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';

const KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n';

/** Props in, the .sources file out (the step's desired content). */
const RENDERED: readonly RenderedCase<AptRepositoryProps>[] = [
  [
    'a repository with suites and components',
    { name: 'nodesource', uris: ['https://deb.nodesource.com/node_20.x'], suites: ['nodistro'], components: ['main'], key: KEY },
    '# Managed by bosun.\nTypes: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\nSigned-By: /etc/apt/keyrings/nodesource.asc\n',
  ],
  [
    'every field, a binary key',
    {
      name: 'two',
      types: ['deb', 'deb-src'],
      uris: ['http://a.example/debian', 'http://b.example/debian'],
      suites: ['bookworm', 'bookworm-updates'],
      components: ['main', 'contrib'],
      architectures: ['amd64', 'arm64'],
      enabled: false,
      key: new Uint8Array([0x99, 1, 2]),
    },
    '# Managed by bosun.\nTypes: deb deb-src\nURIs: http://a.example/debian http://b.example/debian\nSuites: bookworm bookworm-updates\nComponents: main contrib\nArchitectures: amd64 arm64\nEnabled: no\nSigned-By: /etc/apt/keyrings/two.gpg\n',
  ],
  [
    'a flat repository',
    { name: 'flat', uris: ['file:/srv/flat'], exactPath: './', key: KEY },
    '# Managed by bosun.\nTypes: deb\nURIs: file:/srv/flat\nSuites: ./\nSigned-By: /etc/apt/keyrings/flat.asc\n',
  ],
];

const base = { name: 'x', uris: ['file:/srv/repo'], suites: ['bosun'], components: ['main'], key: KEY } as const;
const REFUSED: readonly RefusedCase[] = [
  ['a name with a slash', { ...base, name: 'a/b' }, /^aptRepository\.name$/],
  ['a name with .sources', { ...base, name: 'x.sources' }, /^aptRepository\(x\.sources\)\.name$/],
  ['a URI with a blank', { ...base, uris: ['http://a b'] }, /\.uris\[0\]$/],
  ['a URI with a $ (apt substitutes it)', { ...base, uris: ['http://a/$(ARCH)'] }, /\.uris\[0\]$/],
  ['a relative URI', { ...base, uris: ['/srv/repo'] }, /\.uris\[0\]$/],
  ['no URI', { ...base, uris: [] }, /\.uris$/],
  ['a suite with a blank', { ...base, suites: ['a b'] }, /\.suites\[0\]$/],
  ['no component', { ...base, components: [] }, /\.components$/],
  ['an exact path not ending in /', { ...base, suites: undefined, components: undefined, exactPath: '.' }, /\.exactPath$/],
  ['an exact path with suites', { ...base, exactPath: './' }, /\.exactPath$/],
  ['an unknown type', { ...base, types: ['rpm'] }, /\.types\[0\]$/],
  ['an architecture with capitals', { ...base, architectures: ['AMD64'] }, /\.architectures\[0\]$/],
  ['a key that is not armored', { ...base, key: 'mDMEZ...' }, /^aptRepository\(x\)\.key$/],
  ['a binary key that is not a key', { ...base, key: new Uint8Array([0x2d, 0x2d]) }, /^aptRepository\(x\)\.key$/],
  ['an empty binary key', { ...base, key: new Uint8Array() }, /^aptRepository\(x\)\.key$/],
  ['an unknown field', { ...base, trusted: true }, /^aptRepository\.trusted$/],
];

describe('compiler/resources/apt-repository: the deb822 file', () => {
  itRenders(aptRepository, RENDERED);
});

describe('compiler/resources/apt-repository: bad input fails before anything runs, naming the field', () => {
  itRefuses(aptRepository, REFUSED);
});

describe('compiler/resources/apt-repository on a Debian root (chroot, a signed repository on file:) @integration', function () {
  this.timeout(patience(180_000));
  let root: ChrootRoot;
  let repo: SignedRepo;
  beforeEach(async () => {
    root = await chrootRoot();
    repo = await makeSignedRepo(join(root.root, 'srv/repo'));
  });
  afterEach(() => root?.dispose());
  const at = (path: string): string => join(root.root, path);
  const exists = (path: string): Promise<boolean> =>
    lstat(at(path)).then(
      () => true,
      () => false,
    );
  const props = (extra: Partial<AptRepositoryProps> = {}): AptRepositoryProps =>
    ({
      name: 'bosun',
      uris: ['file:/srv/repo'],
      suites: ['bosun'],
      components: ['main'],
      key: repo.armored,
      ...extra,
    }) as AptRepositoryProps;
  const staging = async (): Promise<string[]> => (await readdir(at('etc/apt'))).filter((name) => name.startsWith('.bosun'));

  it('an armored key and updateCache: the lists are fetched, verified with that key, and its package installs', async () => {
    await assertConverges(planOf([aptRepository(props({ updateCache: true }))]), root.transport, root.tree);
    expect(await readFile(at('etc/apt/keyrings/bosun.asc'), 'utf8')).to.equal(repo.armored);
    expect(await readFile(at('etc/apt/sources.list.d/bosun.sources'), 'utf8')).to.contain('Signed-By: /etc/apt/keyrings/bosun.asc\n');
    const install = await runPlan(planOf([packages({ names: [repo.packageName] })]), root.transport, 'apply');
    expect(statuses(install), explain(install)).to.deep.equal(['changed']);
    expect(await readFile(at('usr/share/bosun-hello/hello'), 'utf8')).to.equal('hello from a signed repository\n');
    expect(await staging()).to.deep.equal([]);
  });

  it('a binary key is kept byte for byte as NAME.gpg, and replaces the armored one', async () => {
    await runPlan(planOf([aptRepository(props())]), root.transport, 'apply');
    await assertConverges(planOf([aptRepository(props({ key: repo.binary, updateCache: true }))]), root.transport, root.tree);
    expect(new Uint8Array(await readFile(at('etc/apt/keyrings/bosun.gpg')))).to.deep.equal(repo.binary);
    expect(await exists('etc/apt/keyrings/bosun.asc')).to.equal(false);
    const policy = await execa('chroot', [root.root, 'apt-cache', 'policy', repo.packageName], { env: { LC_ALL: 'C' } });
    expect(policy.stdout).to.contain('file:/srv/repo bosun/main');
  });

  it('a key that does not sign the repository: the update refuses it, and nothing is put in place', async () => {
    const run = await runPlan(planOf([aptRepository(props({ key: repo.otherArmored, updateCache: true }))]), root.transport, 'apply');
    expect(statuses(run), explain(run)).to.deep.equal(['failed']);
    expect(run.steps[0]!.output).to.contain('NO_PUBKEY').and.to.contain('apt-get update of bosun failed');
    expect(await exists('etc/apt/sources.list.d/bosun.sources')).to.equal(false);
    expect(await exists('etc/apt/keyrings/bosun.asc')).to.equal(false);
    expect(await staging()).to.deep.equal([]);
  });

  it('without updateCache nothing is fetched: the source is only parsed by apt', async () => {
    const lists = async (): Promise<string[]> => (await readdir(at('var/lib/apt/lists'))).filter((name) => name.includes('srv_repo'));
    await assertConverges(planOf([aptRepository(props({ enabled: false }))]), root.transport, root.tree);
    expect(await lists()).to.deep.equal([]);
    expect(await readFile(at('etc/apt/sources.list.d/bosun.sources'), 'utf8')).to.contain('Enabled: no\n');
  });
});
