import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A signed APT repository made for a test, and keys to trust it with. */
export interface SignedRepo {
  /** The key that signs the repository, ASCII-armored. */
  readonly armored: string;
  /** The same key, binary (`gpg --export`). */
  readonly binary: Uint8Array;
  /** Another key, which does not sign it. */
  readonly otherArmored: string;
  /** The package it holds. */
  readonly packageName: string;
}

/**
 * Builds a repository under `dir` (suite `bosun`, component `main`, one small package
 * `bosun-hello`) with Release and InRelease signed by a new ed25519 key, as apt reads a
 * real archive: served as `file:DIR` to apt on the same filesystem, nothing from the
 * network. Needs gpg (with gpg-agent) and dpkg-deb on this machine.
 */
export async function makeSignedRepo(dir: string, architecture = 'amd64'): Promise<SignedRepo> {
  const home = await mkdtemp(join(tmpdir(), 'bosun-gpg-'));
  // A key is bytes: execa would strip a last 0x0a byte as if it were a newline, and an ed25519
  // signature's last byte is 0x0a one time in 16 (the key then fails apt's gpgv: Invalid packet).
  const gpg = (...args: string[]) =>
    execa('gpg', ['--batch', '--quiet', '--homedir', home, ...args], { encoding: 'buffer', stripFinalNewline: false });
  try {
    await gpg('--passphrase', '', '--quick-gen-key', 'bosun repo <repo@bosun.invalid>', 'ed25519', 'sign', 'never');
    await gpg('--passphrase', '', '--quick-gen-key', 'bosun other <other@bosun.invalid>', 'ed25519', 'sign', 'never');
    const armored = Buffer.from((await gpg('--armor', '--export', 'repo@bosun.invalid')).stdout).toString('utf8');
    const binary = new Uint8Array((await gpg('--export', 'repo@bosun.invalid')).stdout);
    const otherArmored = Buffer.from((await gpg('--armor', '--export', 'other@bosun.invalid')).stdout).toString('utf8');
    // The two forms of the key must be the same key, byte for byte: a cut export would fail apt
    // only now and then, and far from here. The dearmor call does not go through `gpg` on purpose:
    // read with the same options, a cut would cut both sides alike and the check would not see it.
    const dearmor = ['--batch', '--quiet', '--homedir', home, '--dearmor'];
    const dearmored = (await execa('gpg', dearmor, { input: armored, encoding: 'buffer', stripFinalNewline: false })).stdout;
    if (Buffer.compare(Buffer.from(dearmored), Buffer.from(binary)) !== 0)
      throw new Error('makeSignedRepo: the binary export is not the armored key');

    const build = join(home, 'pkg');
    await mkdir(join(build, 'DEBIAN'), { recursive: true });
    await mkdir(join(build, 'usr/share/bosun-hello'), { recursive: true });
    await writeFile(join(build, 'usr/share/bosun-hello/hello'), 'hello from a signed repository\n');
    const control =
      'Package: bosun-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: bosun <test@bosun.invalid>\nDescription: bosun test package\n';
    await writeFile(join(build, 'DEBIAN/control'), control);
    await mkdir(join(dir, 'pool'), { recursive: true });
    const deb = join(dir, 'pool/bosun-hello_1.0_all.deb');
    await execa('dpkg-deb', ['--root-owner-group', '--build', build, deb]);
    const debBytes = await readFile(deb);
    const packages = `${control}Filename: pool/bosun-hello_1.0_all.deb\nSize: ${(await stat(deb)).size}\nSHA256: ${sha256(debBytes)}\n`;

    const dists = join(dir, 'dists/bosun');
    await mkdir(join(dists, `main/binary-${architecture}`), { recursive: true });
    await writeFile(join(dists, `main/binary-${architecture}/Packages`), packages);
    const release = [
      'Origin: bosun',
      'Label: bosun',
      'Suite: bosun',
      'Codename: bosun',
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      `Architectures: ${architecture}`,
      'Components: main',
      'SHA256:',
      ` ${sha256(Buffer.from(packages))} ${Buffer.byteLength(packages)} main/binary-${architecture}/Packages`,
      '',
    ].join('\n');
    await writeFile(join(dists, 'Release'), release);
    await gpg('--local-user', 'repo@bosun.invalid', '--yes', '--clearsign', '--output', join(dists, 'InRelease'), join(dists, 'Release'));
    return { armored, binary, otherArmored, packageName: 'bosun-hello' };
  } finally {
    // The agent gpg started for this home ends with it.
    await execa('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { reject: false });
    await rm(home, { recursive: true, force: true });
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
