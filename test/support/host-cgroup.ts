import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The cgroup hierarchies a container's systemd uses here (hybrid v1 + v2, or v2 alone). */
const CGROUP_ROOTS = ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup'];

/** `sh -c` prelude: move this shell into cgroup $1 of every hierarchy present, then exec the rest. */
const ENTER_OWN_CGROUP = [
  'for root in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do',
  '  if [ -f "$root/cgroup.procs" ]; then mkdir -p "$root/$1" && echo $$ >"$root/$1/cgroup.procs" || exit 1; fi',
  'done',
  // Pure cgroup v2: /sys/fs/cgroup is the one hierarchy.
  'if [ -f /sys/fs/cgroup/cgroup.procs ]; then mkdir -p "/sys/fs/cgroup/$1" && echo $$ >"/sys/fs/cgroup/$1/cgroup.procs" || exit 1; fi',
  'shift',
  'exec "$@"',
].join('\n');

/**
 * A test host's own cgroup (in every hierarchy present): what its systemd-nspawn runs in, so
 * the host can be killed whole. Killing systemd-nspawn alone is not enough: the container's
 * init is reparented to the machine's and keeps running, holding the host's overlay mounted.
 */
export class HostCgroup {
  /** The cgroup's path under each hierarchy's root; the pid keeps concurrent runs apart. */
  readonly path: string;

  constructor(hostName: string) {
    this.path = `bosun-fleet/${hostName}-${process.pid}`;
  }

  /** `[file, args]` that run `argv` inside this cgroup (a shell moves itself in, then execs). */
  command(argv: readonly string[]): [string, string[]] {
    return ['sh', ['-c', ENTER_OWN_CGROUP, 'sh', this.path, ...argv]];
  }

  /** Pids in the cgroup or below it, in any hierarchy. */
  pids(): number[] {
    const found = new Set<number>();
    for (const dir of this.#dirs()) {
      for (const line of readOr(join(dir, 'cgroup.procs'), '').split('\n')) {
        if (line !== '') found.add(Number(line));
      }
    }
    return [...found];
  }

  /**
   * Kills every process in the cgroup and waits (up to `timeoutMs`) until none is left, then
   * removes the empty cgroups. Synchronous: it runs in the exit handler of an interrupted run.
   * cgroup v2's `cgroup.kill` kills the whole tree at once; v1 alone gets SIGKILL pid by pid
   * until the list is empty (a fork between reading and killing is caught on the next pass).
   */
  killSync(timeoutMs = 10_000): void {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pids = this.pids();
      if (pids.length === 0 || Date.now() > deadline) break;
      for (const root of CGROUP_ROOTS) {
        const kill = join(root, this.path, 'cgroup.kill');
        if (existsSync(kill)) writeFileSync(kill, '1');
      }
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
    this.removeSync();
  }

  /** Removes the cgroup's empty directories, deepest first; what is still busy stays (best effort). */
  removeSync(): void {
    spawnSync('sh', [
      '-c',
      'for d in "$@"; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done; true',
      'sh',
      ...CGROUP_ROOTS.map((root) => join(root, this.path)),
    ]);
  }

  /** The cgroup's directories and all below them, in every hierarchy where it exists. */
  #dirs(): string[] {
    const dirs: string[] = [];
    const walk = (dir: string): void => {
      dirs.push(dir);
      // A cgroup may go while it is read: its processes are dying.
      const entries = (() => {
        try {
          return readdirSync(dir, { withFileTypes: true });
        } catch {
          return [];
        }
      })();
      for (const entry of entries) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
      }
    };
    for (const dir of cgroupDirs(this.path)) walk(dir);
    return dirs;
  }
}

/** Where cgroup `path` (relative to a hierarchy's root) exists: its directory in each hierarchy that has it. */
export function cgroupDirs(path: string): string[] {
  return CGROUP_ROOTS.map((root) => join(root, path)).filter((dir) => existsSync(join(dir, 'cgroup.procs')));
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
