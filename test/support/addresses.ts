import { rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OVERLAY_DIR } from '../../testing/overlay.ts';

/**
 * Loopback addresses 127.0.10.N for test hosts, claimed across processes (two
 * engineers' test runs, a bench and a test run) so no two hosts bind the same
 * address. A claim is a directory holding its owner's pid; a dead owner's claim
 * is taken over, unless something still listens there (an orphaned host).
 */
const CLAIMS = join(OVERLAY_DIR, 'addresses');

/** Claims `count` free addresses; returns their numbers N (address 127.0.10.N). */
export async function claimAddresses(count: number, port: number): Promise<number[]> {
  await mkdir(CLAIMS, { recursive: true });
  const claimed: number[] = [];
  for (let n = 1; n <= 254 && claimed.length < count; n += 1) {
    if (await claim(n, port)) claimed.push(n);
  }
  if (claimed.length < count) {
    await releaseAddresses(claimed);
    throw new Error(`only ${claimed.length} of ${count} test addresses 127.0.10.N are free`);
  }
  return claimed;
}

/** The claim of address 127.0.10.N: a directory whose `pid` file names its owner. */
export function claimDir(n: number): string {
  return join(CLAIMS, String(n));
}

/** Gives addresses back once their hosts are gone. */
export async function releaseAddresses(numbers: readonly number[]): Promise<void> {
  await Promise.all(numbers.map((n) => rm(claimDir(n), { recursive: true, force: true })));
}

/** The same, synchronously: for the exit handler of an interrupted run. */
export function releaseAddressesSync(numbers: readonly number[]): void {
  for (const n of numbers) rmSync(claimDir(n), { recursive: true, force: true });
}

async function claim(n: number, port: number): Promise<boolean> {
  const dir = claimDir(n);
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!(await ownerDead(dir))) return false;
    await rm(dir, { recursive: true, force: true });
    try {
      await mkdir(dir);
    } catch {
      return false;
    }
  }
  await writeFile(join(dir, 'pid'), String(process.pid));
  if (await isListening(`127.0.10.${n}`, port)) {
    // Left by a run that was killed hard: keep the claim off it, skip the address.
    await writeFile(join(dir, 'pid'), '1');
    return false;
  }
  return true;
}

async function ownerDead(dir: string): Promise<boolean> {
  const pid = Number(await readFile(join(dir, 'pid'), 'utf8').catch(() => 'NaN'));
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Whether a TCP socket listens on address:port, or on the wildcard address at
 * that port (which would keep a host from binding it). Read from /proc/net/tcp*.
 */
export async function isListening(address: string, port: number): Promise<boolean> {
  const wanted = new Set([hexV4(address), hexV4('0.0.0.0'), '00000000000000000000000000000000']);
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, , state] = [fields[1], fields[2], fields[3]];
      if (local === undefined || state !== '0A') continue; // 0A = LISTEN
      const [addr, portHex] = local.split(':');
      if (addr !== undefined && wanted.has(addr) && Number.parseInt(portHex ?? '', 16) === port) return true;
    }
  }
  return false;
}

/** Whether anything listens on the wildcard address at `port` (then hosts need another port). */
export async function wildcardListens(port: number): Promise<boolean> {
  return isListening('0.0.0.0', port);
}

/** /proc/net/tcp writes an IPv4 address as 8 hex digits in host (little-endian) byte order. */
function hexV4(address: string): string {
  return address
    .split('.')
    .reverse()
    .map((part) => Number(part).toString(16).padStart(2, '0').toUpperCase())
    .join('');
}
