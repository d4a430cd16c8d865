import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mode } from '../compiler/plan.ts';
import { secret, type Secret } from '../compiler/secret.ts';
import { defaultInventory, loadInventories } from '../inventory/index.ts';
import { fanOut } from '../runner/fan-out.ts';
import { Progress } from '../runner/progress.ts';
import { hostLine, recap, stepLine, type HumanOutput } from '../runner/report-human.ts';
import { jsonReport } from '../runner/report-json.ts';
import { exitCode, type HostResult } from '../runner/results.ts';
import { runHost } from '../runner/run-host.ts';
import { transportFor } from '../runner/transport-for.ts';
import { loadPlaybook } from './load-playbook.ts';
import type { RunOptions } from './options.ts';
import { promptSecret } from './prompt.ts';
import { readSavedPlan, savedPlan, type SavedPlan } from './saved-plan.ts';
import { resolveTargets, type Target } from './targets.ts';

/** Streams for a command's output (process.stdout/stderr in the CLI, buffers in tests). */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTTY: boolean;
}

/** Loads, compiles and resolves: everything that happens before a host is touched. */
export async function prepare(playbookPath: string, options: RunOptions): Promise<Target[]> {
  const playbook = await loadPlaybook(playbookPath, { typecheck: options.typecheck });
  const inventory =
    options.inventories.length === 0
      ? defaultInventory(options.extraVars)
      : await loadInventories([...options.inventories], { extraVars: options.extraVars });
  return resolveTargets(playbook, inventory, { ...(options.limit !== undefined && { limit: options.limit }), tags: options.tags });
}

/**
 * `bosun check` and `bosun apply`: one session per host, fanned out, results
 * streamed, a recap, an optional JSON report and the exit code of DESIGN.md item 8.
 */
export async function runPlaybook(playbookPath: string, mode: Mode, options: RunOptions, io: Io, saved?: SavedPlan): Promise<number> {
  const startedAt = new Date();
  const targets = await prepare(playbookPath, options);
  const human: HumanOutput = { write: io.stdout, color: io.isTTY, diff: options.diff };
  const becomePassword: Secret | undefined = options.askBecomePass ? secret(await promptSecret('BECOME password: ')) : undefined;
  const controlDir = await mkdtemp(join(tmpdir(), 'bosun-ssh-'));
  const firstPlay = targets[0]?.plays[0];
  const serial = options.serial ?? firstPlay?.serial;
  const maxFail = options.maxFailPercentage ?? firstPlay?.maxFailPercentage;
  const progress = new Progress({ write: io.stdout }, { isTTY: io.isTTY, total: targets.length });
  try {
    const outcome = await fanOut(
      targets,
      async (target: Target, signal: AbortSignal): Promise<HostResult> => {
        const refused = saved && refuseChangedPlan(target, saved);
        if (refused) return refused;
        const transport = transportFor(target.host, {
          become: target.plays.some((play) => play.become === true),
          acceptNewHostKeys: options.acceptNewHostKeys,
          ...(options.sshConfig !== undefined && { sshConfigFile: options.sshConfig }),
          ...(becomePassword !== undefined && { becomePassword }),
          ...(options.timeoutSeconds !== undefined && { timeoutMs: options.timeoutSeconds * 1000 }),
          controlDir,
        });
        try {
          return await runHost(target.plan, target.rendered, transport, {
            mode,
            signal,
            onStep: (step) => progress.write(stepLine(target.host.name, step, human)),
          });
        } finally {
          await transport.close?.();
        }
      },
      {
        forks: options.forks,
        ...(serial !== undefined && { serial }),
        ...(maxFail !== undefined && { maxFailPercentage: maxFail }),
        isFailure: (result: HostResult) => result.status === 'failed' || result.status === 'unreachable',
        onResult: (_target: Target, result: HostResult) => progress.hostDone(result.status, hostLine(result, human)),
        // A host whose run threw (a bug, a broken transport) fails alone; the others go on.
        onError: (target: Target, error: unknown): HostResult => ({
          host: target.host.name,
          status: 'failed',
          steps: [],
          durationMs: 0,
          planHash: target.rendered.hash,
          reason: error instanceof Error ? error.message : String(error),
        }),
      },
    );
    progress.finish();
    const results = targets.map((target) => outcome.results.get(target)).filter((r): r is HostResult => r !== undefined);
    const skipped = outcome.notRun.length;
    io.stdout(recap(results, mode, human));
    if (skipped > 0)
      io.stdout(
        `${skipped} host(s) not run (${outcome.notRun.map((t) => t.host.name).join(', ')}): batch ${(outcome.stoppedAfterBatch ?? 0) + 1} failed more than the failure limit allows\n`,
      );
    const code = exitCode(results, { reportChanges: mode === 'check' || options.detailedExitcode }) | (skipped > 0 ? 4 : 0);
    if (options.json !== undefined) {
      await writeFile(
        options.json,
        jsonReport({
          format: 1,
          mode,
          playbook: playbookPath,
          startedAt: startedAt.toISOString(),
          durationMs: Date.now() - startedAt.getTime(),
          exitCode: code,
          hosts: results,
        }),
      );
    }
    if (options.out !== undefined && mode === 'check') await writeFile(options.out, savedPlan(playbookPath, options, targets));
    return code;
  } finally {
    await rm(controlDir, { recursive: true, force: true });
  }
}

/** `bosun apply plan.json`: the same run as the saved check, refusing hosts whose plan changed. */
export async function applySavedPlan(file: string, overrides: Partial<RunOptions>, io: Io): Promise<number> {
  const saved = await readSavedPlan(file);
  return runPlaybook(saved.playbook, 'apply', { ...saved.options, ...overrides }, io, saved);
}

function refuseChangedPlan(target: Target, saved: SavedPlan): HostResult | undefined {
  const expected = saved.hosts[target.host.name];
  if (expected === target.rendered.hash) return undefined;
  return {
    host: target.host.name,
    status: 'failed',
    steps: [],
    durationMs: 0,
    planHash: target.rendered.hash,
    reason:
      expected === undefined
        ? 'this host was not in the saved plan: refusing it'
        : 'the plan for this host changed since it was saved: refusing it (run check again)',
  };
}
