import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../compiler/host.ts';
import type { AbsolutePath } from '../compiler/validate.ts';
import { LocalTransport } from '../runner/local-transport.ts';
import type { Transport } from '../runner/transport.ts';
import { testHost } from './host.ts';
import { listTree } from './tree.ts';

/** Somewhere a test runs plans: a host to compile for, a transport into it, and a listing of what it holds. */
export interface Target {
  readonly host: Host;
  readonly transport: Transport;
  /** A full listing of the target's files (tree.ts): equal listings mean nothing was written in between. */
  tree(): Promise<string[]>;
  /** Removes the target; safe to call twice. */
  dispose(): Promise<void>;
}

/** A local root: a fresh temp folder on this machine, run into with the local transport (the plan's paths go under `dir`). */
export interface LocalRoot extends Target {
  readonly dir: AbsolutePath;
}

/** A fresh temp folder on this machine as a target: no root needed, for roles whose paths are parameters. */
export async function localRoot(): Promise<LocalRoot> {
  const dir = (await mkdtemp(join(tmpdir(), 'bosun-test-'))) as AbsolutePath;
  return {
    dir,
    host: testHost(),
    transport: new LocalTransport(),
    tree: () => listTree(dir),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
