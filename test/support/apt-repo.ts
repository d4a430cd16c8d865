import { execa } from 'execa';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One package of a test repository: built with dpkg-deb, indexed with apt-ftparchive. */
export interface RepoPackage {
  readonly name: string;
  readonly version: string;
  /** The suite it is published in: `bookworm`, or `bookworm-security` for a security update. */
  readonly suite: RepoSuite;
  /** A Depends: field. */
  readonly depends?: string;
  /** A postinst script body (sh). */
  readonly postinst?: string;
}

export type RepoSuite = 'bookworm' | 'bookworm-security';

/** Where a repository lives on a host, and the sources.list lines that reach it there. */
export const REPO_PATH = '/srv/bosun-repo';
export const REPO_SOURCES = `deb [trusted=yes] file:${REPO_PATH} bookworm main\ndeb [trusted=yes] file:${REPO_PATH} bookworm-security main\n`;

/** The Release fields of each suite: the security suite is marked as Debian's is (its suite name and label). */
const RELEASE: Record<RepoSuite, { label: string }> = {
  bookworm: { label: 'bosun-test' },
  'bookworm-security': { label: 'bosun-test-Security' },
};

/**
 * Builds a file:// apt repository in `dir`: a .deb per package (architecture all), then per
 * suite a Packages index and a Release file (Origin, Label, Suite, Codename) by apt-ftparchive,
 * which is what apt reads a package's origin and suite from.
 */
export async function buildAptRepo(dir: string, packages: readonly RepoPackage[]): Promise<void> {
  for (const pkg of packages) await buildDeb(join(dir, 'pool', pkg.suite), pkg);
  for (const suite of Object.keys(RELEASE) as RepoSuite[]) {
    const list = join(dir, 'dists', suite, 'main', 'binary-amd64');
    await mkdir(list, { recursive: true });
    await mkdir(join(dir, 'pool', suite), { recursive: true });
    const index = await execa('apt-ftparchive', ['packages', `pool/${suite}`], { cwd: dir });
    await writeFile(join(list, 'Packages'), index.stdout === '' ? '' : `${index.stdout}\n`);
    const { label } = RELEASE[suite];
    const release = await execa(
      'apt-ftparchive',
      [
        '-o',
        `APT::FTPArchive::Release::Origin=bosun-test`,
        '-o',
        `APT::FTPArchive::Release::Label=${label}`,
        '-o',
        `APT::FTPArchive::Release::Suite=${suite}`,
        '-o',
        'APT::FTPArchive::Release::Codename=bookworm',
        '-o',
        'APT::FTPArchive::Release::Version=12',
        '-o',
        'APT::FTPArchive::Release::Architectures=amd64 all',
        '-o',
        'APT::FTPArchive::Release::Components=main',
        'release',
        `dists/${suite}`,
      ],
      { cwd: dir },
    );
    await writeFile(join(dir, 'dists', suite, 'Release'), `${release.stdout}\n`);
  }
}

async function buildDeb(poolDir: string, pkg: RepoPackage): Promise<void> {
  const tree = join(poolDir, `${pkg.name}_${pkg.version}.tree`);
  await mkdir(join(tree, 'DEBIAN'), { recursive: true });
  await mkdir(join(tree, 'usr/share/doc', pkg.name), { recursive: true });
  await writeFile(join(tree, 'usr/share/doc', pkg.name, 'VERSION'), `${pkg.version}\n`);
  const control = [
    `Package: ${pkg.name}`,
    `Version: ${pkg.version}`,
    'Architecture: all',
    'Maintainer: bosun tests <tests@bosun.invalid>',
    ...(pkg.depends === undefined ? [] : [`Depends: ${pkg.depends}`]),
    'Section: misc',
    'Priority: optional',
    `Description: ${pkg.name} ${pkg.version}, a package of bosun's patch tests`,
    '',
  ].join('\n');
  await writeFile(join(tree, 'DEBIAN/control'), control);
  if (pkg.postinst !== undefined) {
    await writeFile(join(tree, 'DEBIAN/postinst'), `#!/bin/sh\nset -e\n${pkg.postinst}\n`);
    await chmod(join(tree, 'DEBIAN/postinst'), 0o755);
  }
  await execa('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, join(poolDir, `${pkg.name}_${pkg.version}_all.deb`)]);
  await execa('rm', ['-rf', tree]);
}
