import { constants } from 'node:os';
import { BosunError, ValidationError } from '../compiler/errors.ts';
import type { Mode } from '../compiler/plan.ts';
import type { Playbook } from '../compiler/playbook.ts';
import { type Secret, secret } from '../compiler/secret.ts';
import { defaultInventory, loadInventories } from '../inventory/index.ts';
import { fanOut } from '../runner/fan-out.ts';
import { printable } from '../runner/printable.ts';
import { Progress } from '../runner/progress.ts';
import { type HumanOutput, hostLine, recap, stepLine } from '../runner/report-human.ts';
import { exitCode, type HostResult } from '../runner/results.ts';
import { runHost } from '../runner/run-host.ts';
import { transportFor } from '../runner/transport-for.ts';
import { confirmSteps } from './confirm-steps.ts';
import { listing } from './listing.ts';
import { loadPlaybook } from './load-playbook.ts';
import type { RunOptions } from './options.ts';
import type { PlanKey } from './plan-key.ts';
import { planKey } from './plan-key.ts';
import { promptSecret, type Questions } from './prompt.ts';
import { refusal, type SavedPlan, savedPlan, writeSavedPlan } from './saved-plan.ts';
import { type HostSelector, resolveTargets, scheduleOf, type Target, withoutSteps } from './targets.ts';
import { writeReports } from './write-reports.ts';

/** Streams for a command's output (process.stdout/stderr in the CLI, buffers in tests). */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTTY: boolean;
  /**
   * Aborted on SIGINT/SIGTERM (its reason names the signal): no host starts after it, running
   * sessions are ended on their hosts, the recap says what did and did not run.
   */
  readonly signal?: AbortSignal;
  /** Questions on a terminal (`--step`); absent when stdin is not one. */
  readonly questions?: () => Questions;
}

/** What a run is about to touch: the targets, and the inventory they were selected from. */
export interface Prepared {
  readonly playbook: Playbook;
  readonly targets: Target[];
  readonly inventory: HostSelector;
}

/** Loads, compiles and resolves: everything that happens before a host is touched. */
export async function prepare(playbookPath: string, options: RunOptions): Promise<Prepared> {
  const playbook = await loadPlaybook(playbookPath, { typecheck: options.typecheck });
  const inventory =
    options.inventories.length === 0
      ? defaultInventory(options.extraVars)
      : await loadInventories([...options.inventories], { extraVars: options.extraVars });
  try {
    const targets = resolveTargets(playbook, inventory, {
      ...(options.limit !== undefined && { limit: options.limit }),
      tags: options.tags,
      skipTags: options.skipTags,
      ...(options.startAtTask !== undefined && { startAtTask: options.startAtTask }),
    });
    return { playbook, targets, inventory };
  } catch (error) {
    // Compile errors are the playbook's: name its file when the error names no other place.
    if (error instanceof BosunError && error.file === undefined) throw new BosunError(error.message, { file: playbookPath, cause: error });
    throw error;
  }
}

/** A saved plan being applied: what it pins, the key its digests were made with, and apply's own `--limit`. */
export interface SavedApply {
  readonly plan: SavedPlan;
  readonly key: PlanKey;
  readonly narrow?: string;
}

/**
 * `bosun check` and `bosun apply`: one session per host, fanned out, results
 * streamed, a recap, an optional JSON report and the exit code of DESIGN.md item 8.
 */
export async function runPlaybook(playbookPath: string, mode: Mode, options: RunOptions, io: Io, saved?: SavedApply): Promise<number> {
  const startedAt = new Date();
  if (options.step && options.out !== undefined)
    throw new ValidationError('--step', 'cannot be saved with --out: a saved plan is applied without questions');
  if (options.step && options.listing === undefined && io.questions === undefined)
    throw new ValidationError('--step', 'asks before each step on a terminal, and stdin is not one');
  const prepared = await prepare(playbookPath, options);
  if (options.listing !== undefined) {
    io.stdout(listing(options.listing, playbookPath, prepared.playbook, prepared.targets, options.typecheck));
    return 0;
  }
  let targets = saved?.narrow === undefined ? prepared.targets : narrowed(prepared, saved.narrow);
  if (options.step) targets = withoutSteps(targets, await askSteps(targets, io.questions!));
  const { serial, maxFailPercentage } = scheduleOf(targets, options);
  const key = saved?.key ?? (options.out === undefined ? undefined : await planKey());
  const human: HumanOutput = { write: io.stdout, color: io.isTTY, diff: options.diff, verbosity: options.verbosity };
  const becomePassword: Secret | undefined = options.askBecomePass ? secret(await promptSecret('BECOME password: ')) : undefined;
  const progress = new Progress({ write: io.stdout }, { isTTY: io.isTTY, total: targets.length });
  const interrupt = io.signal ?? new AbortController().signal;
  try {
    const outcome = await fanOut(
      targets,
      async (target: Target, signal: AbortSignal): Promise<HostResult> => {
        const refused = saved && refusal(target, saved.plan, saved.key);
        if (refused) return notRun(target, refused);
        const transport = transportFor(target.host, target.become, {
          acceptNewHostKeys: options.acceptNewHostKeys,
          ...(options.sshConfig !== undefined && { sshConfigFile: options.sshConfig }),
          ...(becomePassword !== undefined && { becomePassword }),
          // One session per host per run: a multiplexing master would only add ssh processes.
          multiplex: false,
        });
        try {
          return await runHost(target.plan, target.rendered, transport, {
            mode,
            signal,
            ...(options.timeoutSeconds !== undefined && { timeoutMs: options.timeoutSeconds * 1000 }),
            onStep: (step) => progress.write(stepLine(target.host.name, step, human)),
            ...(options.verbosity >= 2 && { onLog: logLines(target.host.name, (text) => progress.write(text)) }),
          });
        } finally {
          await transport.close?.();
        }
      },
      {
        forks: options.forks,
        ...(serial !== undefined && { serial }),
        ...(maxFailPercentage !== undefined && { maxFailPercentage }),
        signal: interrupt,
        isFailure: (result: HostResult) => result.status === 'failed' || result.status === 'unreachable',
        onResult: (_target: Target, result: HostResult) => progress.hostDone(result.status, hostLine(result, human)),
        // A host whose run threw (a bug, a broken transport) fails alone; the others go on.
        onError: (target: Target, error: unknown): HostResult => notRun(target, error instanceof Error ? error.message : String(error)),
      },
    );
    progress.finish();
    const gone = saved === undefined ? [] : vanished(saved, prepared);
    for (const result of gone) io.stdout(hostLine(result, human));
    const results = [...targets.map((target) => outcome.results.get(target)).filter((r): r is HostResult => r !== undefined), ...gone];
    io.stdout(recap(results, mode, human));
    const skipped = outcome.notRun.map((target) => target.host.name);
    const skippedNames = printable(skipped.join(', '));
    if (interrupt.aborted) {
      io.stdout(
        `interrupted by ${String(interrupt.reason)}: ${skipped.length} host(s) not run${skipped.length > 0 ? ` (${skippedNames})` : ''}\n`,
      );
    } else if (skipped.length > 0) {
      io.stdout(
        `${skipped.length} host(s) not run (${skippedNames}): batch ${(outcome.stoppedAfterBatch ?? 0) + 1} failed more than the failure limit allows\n`,
      );
    }
    const code = interrupt.aborted
      ? interruptedCode(interrupt.reason)
      : exitCode(results, { reportChanges: mode === 'check' || options.detailedExitcode }) | (skipped.length > 0 ? 4 : 0);
    await writeReports(
      {
        format: 1,
        mode,
        playbook: playbookPath,
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
        exitCode: code,
        hosts: results,
        notRun: skipped,
      },
      options,
    );
    if (options.out !== undefined && mode === 'check' && key !== undefined)
      await writeSavedPlan(options.out, savedPlan(playbookPath, options, targets, key));
    return code;
  } finally {
    progress.finish();
  }
}

/** `--step`: the steps the operator declined, asked once for all hosts before any runs. */
async function askSteps(targets: readonly Target[], open: () => Questions): Promise<Set<string>> {
  const questions = open();
  try {
    return await confirmSteps(targets, questions);
  } finally {
    questions.close();
  }
}

/** `-vv`: a session's log as it comes (each step's output, ssh's and sudo's words), a host's name before each line. */
function logLines(host: string, write: (text: string) => void): (text: string) => void {
  return (text) =>
    write(
      text
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => `${printable(host)} | ${printable(line)}\n`)
        .join(''),
    );
}

/** The targets apply's own `--limit` keeps, among the saved plan's. */
function narrowed(prepared: Prepared, pattern: string): Target[] {
  const names = new Set(prepared.inventory.select(pattern).map((host) => host.name));
  if (names.size === 0) throw new BosunError(`--limit ${pattern} matches no host of the saved plan's inventory`);
  return prepared.targets.filter((target) => names.has(target.host.name));
}

/** Hosts the saved plan names that the playbook and inventory no longer target: failed, never silently dropped. */
function vanished(saved: SavedApply, prepared: Prepared): HostResult[] {
  const targeted = new Set(prepared.targets.map((target) => target.host.name));
  const inScope = saved.narrow === undefined ? undefined : new Set(prepared.inventory.select(saved.narrow).map((host) => host.name));
  return Object.keys(saved.plan.hosts)
    .filter((name) => !targeted.has(name) && (inScope === undefined || inScope.has(name)))
    .map((name) => ({
      host: name,
      status: 'failed',
      steps: [],
      durationMs: 0,
      planHash: '',
      reason: 'in the saved plan, but the playbook and inventory no longer target this host: not applied (run check --out again)',
    }));
}

function notRun(target: Target, reason: string): HostResult {
  return { host: target.host.name, status: 'failed', steps: [], durationMs: 0, planHash: target.rendered.digest, reason };
}

/** 128 + the signal's number, as a shell reports a command a signal ended. */
function interruptedCode(reason: unknown): number {
  const signal = typeof reason === 'string' ? constants.signals[reason as NodeJS.Signals] : undefined;
  return 128 + (signal ?? constants.signals.SIGINT);
}
