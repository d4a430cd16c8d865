import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { BosunError, LoadError } from '../compiler/errors.ts';
import type { Become, Connection } from '../compiler/host.ts';
import type { RunOptions } from './options.ts';
import type { PlanKey } from './plan-key.ts';
import type { Target } from './targets.ts';

/** The execution settings a saved plan keeps as defaults for its apply (flags given to apply win). */
export type SavedRunSettings = Pick<
  RunOptions,
  'forks' | 'serial' | 'maxFailPercentage' | 'timeoutSeconds' | 'acceptNewHostKeys' | 'sshConfig'
>;

/** What a saved plan pins for one host. */
export interface SavedHost {
  /** Keyed digest (plan key) of the whole script, secrets included. */
  readonly script: string;
  /** How the host is reached (become apart): transport, address, port, user, key, arguments… */
  readonly connection: Omit<Connection, 'become'>;
  /** Whether, and as whom, the script runs under sudo. */
  readonly become: Become;
}

/**
 * What `bosun check --out plan.json` saves: everything that decides what runs where.
 * `bosun apply plan.json` compiles again from the same playbook, inventories, limit and
 * tags, and refuses any host whose script, connection or become is not what was saved.
 * It holds no secret and no `-e` value: the scripts and the `-e` values are pinned by
 * keyed digests (cli/plan-key.ts), so the file is no offline oracle for a secret.
 */
export interface SavedPlan {
  readonly format: 2;
  /** Absolute path of the playbook. */
  readonly playbook: string;
  /** Inventory sources (paths made absolute). */
  readonly inventories: readonly string[];
  readonly limit?: string;
  readonly tags: readonly string[];
  /** `--skip-tags` of the check (absent: none). */
  readonly skipTags?: readonly string[];
  /** `--start-at-task` of the check. */
  readonly startAtTask?: string;
  readonly typecheck: boolean;
  /** Keyed digest of the `-e` values: apply must be given the same ones. */
  readonly extraVars: string;
  /** Fingerprint of the plan key the digests were made with. */
  readonly key: string;
  readonly run: SavedRunSettings;
  readonly hosts: Readonly<Record<string, SavedHost>>;
}

/** The saved plan of a check run, as JSON. */
export function savedPlan(playbook: string, options: RunOptions, targets: readonly Target[], key: PlanKey): string {
  const plan: SavedPlan = {
    format: 2,
    playbook: resolve(playbook),
    // A host list ("web1,web2,") is not a path: only sources that exist are made absolute.
    inventories: options.inventories.map((source) => (existsSync(source) ? resolve(source) : source)),
    ...(options.limit !== undefined && { limit: options.limit }),
    tags: options.tags,
    ...(options.skipTags.length > 0 && { skipTags: options.skipTags }),
    ...(options.startAtTask !== undefined && { startAtTask: options.startAtTask }),
    typecheck: options.typecheck,
    extraVars: extraVarsDigest(options.extraVars, key),
    key: key.id,
    run: {
      forks: options.forks,
      ...(options.serial !== undefined && { serial: options.serial }),
      ...(options.maxFailPercentage !== undefined && { maxFailPercentage: options.maxFailPercentage }),
      ...(options.timeoutSeconds !== undefined && { timeoutSeconds: options.timeoutSeconds }),
      acceptNewHostKeys: options.acceptNewHostKeys,
      ...(options.sshConfig !== undefined && { sshConfig: resolve(options.sshConfig) }),
    },
    hosts: Object.fromEntries(targets.map((target) => [target.host.name, savedHost(target, key)])),
  };
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** Writes a saved plan readable by its owner only. */
export async function writeSavedPlan(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
}

function savedHost(target: Target, key: PlanKey): SavedHost {
  return { script: key.digest(target.rendered.script), connection: pinnedConnection(target), become: target.become };
}

function pinnedConnection(target: Target): Omit<Connection, 'become'> {
  const { become: _become, ...connection } = target.host.connection as Connection & { become?: Become };
  return connection;
}

/** Keyed digest of `-e` values (key order does not matter). */
export function extraVarsDigest(values: Readonly<Record<string, unknown>>, key: PlanKey): string {
  return key.digest(canonicalJson(values));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Why a host must not be applied from the saved plan (its script, connection or become is
 * not what was saved, or it was not in the plan); undefined when it matches.
 */
export function refusal(target: Target, saved: SavedPlan, key: PlanKey): string | undefined {
  const pinned = saved.hosts[target.host.name];
  if (pinned === undefined) return 'this host was not in the saved plan: refusing it (run check --out again)';
  const changed: string[] = [];
  const connection = pinnedConnection(target);
  for (const field of new Set([...Object.keys(pinned.connection), ...Object.keys(connection)])) {
    const was = (pinned.connection as Record<string, unknown>)[field];
    const now = (connection as Record<string, unknown>)[field];
    if (!isDeepStrictEqual(was, now)) changed.push(`${field} ${JSON.stringify(was) ?? 'unset'} → ${JSON.stringify(now) ?? 'unset'}`);
  }
  if (!isDeepStrictEqual({ ...pinned.become }, { ...target.become })) {
    changed.push(`become ${JSON.stringify(pinned.become)} → ${JSON.stringify(target.become)}`);
  }
  if (pinned.script !== key.digest(target.rendered.script)) changed.push('its script');
  if (changed.length === 0) return undefined;
  return `changed since the plan was saved (${changed.join('; ')}): refusing it (run check --out again)`;
}

/** Reads and checks a saved plan: every field, with the field and the file named when one is wrong. */
export async function readSavedPlan(file: string): Promise<SavedPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new LoadError(`not a saved plan (${(error as Error).message})`, { file, cause: error });
  }
  const bad = (field: string, problem: string): never => {
    throw new LoadError(`${field}: ${problem} (expected the JSON written by bosun check --out)`, { file });
  };
  const object = (value: unknown, field: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : bad(field, `must be an object, got ${describe(value)}`);
  const string = (value: unknown, field: string): string =>
    typeof value === 'string' ? value : bad(field, `must be a string, got ${describe(value)}`);
  const strings = (value: unknown, field: string): string[] =>
    Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? value
      : bad(field, `must be a list of strings, got ${describe(value)}`);
  const plan = object(parsed, 'plan');
  if (plan.format === 1) bad('format', 'this plan was saved by an older bosun, which pinned less: run bosun check --out again');
  if (plan.format !== 2) bad('format', `must be 2, got ${describe(plan.format)}`);
  string(plan.playbook, 'playbook');
  strings(plan.inventories, 'inventories');
  if (plan.limit !== undefined) string(plan.limit, 'limit');
  strings(plan.tags, 'tags');
  if (plan.skipTags !== undefined) strings(plan.skipTags, 'skipTags');
  if (plan.startAtTask !== undefined) string(plan.startAtTask, 'startAtTask');
  if (typeof plan.typecheck !== 'boolean') bad('typecheck', `must be true or false, got ${describe(plan.typecheck)}`);
  string(plan.extraVars, 'extraVars');
  string(plan.key, 'key');
  const run = object(plan.run, 'run');
  if (typeof run.forks !== 'number' || !Number.isInteger(run.forks) || run.forks < 1)
    bad('run.forks', `must be a whole number >= 1, got ${describe(run.forks)}`);
  if (typeof run.acceptNewHostKeys !== 'boolean')
    bad('run.acceptNewHostKeys', `must be true or false, got ${describe(run.acceptNewHostKeys)}`);
  for (const [name, host] of Object.entries(object(plan.hosts, 'hosts'))) {
    const entry = object(host, `hosts.${name}`);
    string(entry.script, `hosts.${name}.script`);
    const connection = object(entry.connection, `hosts.${name}.connection`);
    string(connection.transport, `hosts.${name}.connection.transport`);
    object(entry.become, `hosts.${name}.become`);
  }
  return plan as unknown as SavedPlan;
}

/** A saved plan's digests were made with another key: nothing it pins can be checked here. */
export function assertSameKey(saved: SavedPlan, key: PlanKey, file: string): void {
  if (saved.key === key.id) return;
  throw new BosunError(
    `this plan was saved with another plan key than ${key.source}: its digests cannot be checked here ` +
      '(set BOSUN_PLAN_KEY to the key of the machine that saved it, or run bosun check --out here)',
    { file },
  );
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}
