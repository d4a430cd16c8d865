import { afterUpgradeScript, upgradeScript } from '../../compiler/patch/apply-scripts.ts';
import { type Baseline, baselineDifferences } from '../../compiler/patch/baseline.ts';
import { complianceOf } from '../../compiler/patch/compliance.ts';
import type { HostPatchConfig } from '../../compiler/patch/host-config.ts';
import { type HostScan, readHostScan, ScanError } from '../../compiler/patch/host-scan.ts';
import { scanScript } from '../../compiler/patch/scan-script.ts';
import { candidateSet, type UpgradeRequest, upgradePlan } from '../../compiler/patch/upgrade-plan.ts';
import { localTime, windowsAt } from '../../compiler/patch/window.ts';
import { checkUrl, type HealthResult } from './health.ts';
import type { HostPatchReport, PatchStatus, Transcript } from './host-report.ts';
import { lastParts, type PatchSession, runPatchSession, type SentPart } from './patch-session.ts';
import { type PatchConnectionSettings, type PatchTarget, patchTransport } from './patch-target.ts';
import { rebootAndWait } from './reboot.ts';
import { type BackupOutcome, confirmBackup, type SnapshotPolicy } from './snapshot.ts';

/** How `bosun patch apply` patches each host. */
export interface ApplySettings {
  readonly request: UpgradeRequest;
  /** `required`: when /var/run/reboot-required exists or a newer kernel is installed; `always`; `never`. */
  readonly reboot: 'required' | 'always' | 'never';
  /** How long a rebooted host may take to come back. */
  readonly rebootTimeoutMs: number;
  /** How long a reboot may take, for the window: a reboot that would end after the window is not started. */
  readonly rebootAllowanceMs: number;
  readonly ignoreWindows: boolean;
  /** Confirm (or make) a snapshot first; absent with --no-snapshot. */
  readonly snapshot?: SnapshotPolicy;
  /** Prod: install exactly this stage's versions, refuse a host whose candidates differ. */
  readonly baseline?: Baseline;
  readonly healthTimeoutMs: number;
  readonly now: () => Date;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly connection: PatchConnectionSettings;
  /** A line of progress for people. */
  readonly onProgress?: (host: string, text: string) => void;
}

/** A host's report under construction: what is known so far. */
type Draft = Omit<HostPatchReport, 'status' | 'compliance' | 'durationMs'>;

/**
 * Patches one host, in the reference's order: window, backup, the installed list and a
 * refresh, the upgrade (kept-back packages one by one only when asked), a reboot when
 * required with a wait for the new boot, then autoremove (after the reboot, never before),
 * restarts in order and health checks. Each session is one script over the host's transport.
 */
export async function patchHost(target: PatchTarget, config: HostPatchConfig, settings: ApplySettings): Promise<HostPatchReport> {
  const started = Date.now();
  const name = target.host.name;
  const progress = (text: string): void => settings.onProgress?.(name, text);
  const transcriptsSoFar: Transcript[] = [];
  const health: HealthResult[] = [];
  const draft: { -readonly [K in keyof Draft]: Draft[K] } = {
    host: name,
    changes: [],
    keptBack: [],
    transcripts: transcriptsSoFar,
    reboot: { performed: false, reason: 'not reached' },
    autoremoved: [],
    health,
  };
  const end = (status: PatchStatus, reason: string | undefined, scan?: HostScan): HostPatchReport => ({
    ...draft,
    status,
    ...(reason !== undefined && { reason }),
    compliance: status === 'failed' || status === 'unreachable' || scan === undefined ? 'failed' : complianceOf(scan, settings.request),
    durationMs: Date.now() - started,
  });

  // 1. The window: outside it, nothing is touched.
  const window = settings.ignoreWindows ? {} : windowsAt(config.windows, settings.now());
  if (window.skip !== undefined) return end('skipped', window.skip);
  if (window.text !== undefined) draft.window = window.text;

  // 2. A confirmed backup.
  if (settings.snapshot === undefined) draft.snapshot = { ok: 'skipped', reason: '--no-snapshot' };
  else {
    progress('confirming a snapshot of every attached volume');
    const backup: BackupOutcome = await confirmBackup(target.host, settings.snapshot);
    draft.snapshot = backup;
    if (!backup.ok) return end('skipped', `no confirmed backup: ${backup.reason}`);
    if (window.closesAt !== undefined && settings.now() >= window.closesAt)
      return end('skipped', 'the window closed while the snapshot was made');
  }

  const session = (script: Parameters<typeof runPatchSession>[0], mode: 'check' | 'apply'): Promise<PatchSession> => {
    const transport = patchTransport(target, settings.connection);
    return runPatchSession(script, transport, {
      mode,
      ...(settings.signal && { signal: settings.signal }),
      ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
    }).finally(() => transport.close?.());
  };

  // 3. The installed list, fresh package lists, what is upgradable.
  progress('recording the installed packages and refreshing the package lists');
  const first = await session(scanScript({ refresh: true }), 'apply');
  const refresh = first.parts.find((part) => part.part === 'refresh');
  if (first.unreachable) return end('unreachable', first.failure);
  if (!first.ended || first.facts === undefined) return end('failed', first.failure ?? 'the scan did not finish');
  if (refresh !== undefined && refresh.rc !== 0)
    return end('failed', `refreshing the package lists failed (exit ${refresh.rc}): ${lastLines(refresh.text)}`);
  const before = read(first);
  if (typeof before === 'string') return end('failed', before);
  draft.os = before.os;
  draft.installedBefore = before.installed;
  if (before.pkg !== 'apt')
    return end('failed', `bosun patch apply installs on apt hosts; this one has ${before.pkg} (bosun patch scan reads it)`, before);

  // 4. Prod: the candidates must be the baseline's.
  if (settings.baseline !== undefined) {
    const differences = baselineDifferences(before.os, candidateSet(before, settings.request), before.installed, settings.baseline);
    if (differences.length > 0)
      return end('refused', `its candidates differ from the ${settings.baseline.stage} baseline: ${differences.join('; ')}`, before);
  }

  // 5. The upgrade.
  const plan = upgradePlan(before, { ...settings.request, pinned: settings.baseline !== undefined });
  let after = before;
  if (plan.main !== undefined || plan.keptBack.length > 0) {
    progress(plan.main?.kind === 'upgrade' ? 'apt-get upgrade' : 'installing the exact versions');
    const upgrade = await session(upgradeScript(plan), 'apply');
    transcriptsSoFar.push(
      ...transcripts(
        upgrade.parts,
        plan.keptBack.map((p) => p.name),
      ),
    );
    const failedStep = draft.transcripts.find((t) => t.rc !== 0);
    const state = upgrade.ended && upgrade.facts !== undefined ? read(upgrade) : (upgrade.failure ?? 'the upgrade did not finish');
    if (typeof state !== 'string') {
      after = state;
      draft.changes = changesBetween(before.installed, after.installed);
    }
    if (upgrade.unreachable) return end('unreachable', upgrade.failure);
    if (failedStep !== undefined)
      return end(
        'failed',
        `${failedStep.step}${failedStep.name ? ` ${failedStep.name}` : ''} failed (exit ${failedStep.rc}): ${lastLines(failedStep.output)}`,
        after,
      );
    if (typeof state === 'string') return end('failed', state);
  }
  const keptInstalled = new Set(plan.keptBack.map((p) => p.name));
  draft.keptBack = before.updates
    .filter((u) => u.keptBack)
    .map((u) => ({
      name: u.name,
      candidate: u.candidate,
      installed: keptInstalled.has(u.name) && after.installed[u.name] === u.candidate,
    }));

  // 6. The reboot, when required, and only if it fits the window.
  const needed = after.reboot.required || after.kernel.runningNewest === false;
  const why = rebootReason(after);
  let rebooted = false;
  if (settings.reboot === 'always' || (settings.reboot === 'required' && needed)) {
    const reason = settings.reboot === 'always' ? '--reboot always' : why;
    if (window.closesAt !== undefined && settings.now().getTime() + settings.rebootAllowanceMs > window.closesAt.getTime()) {
      draft.reboot = {
        performed: false,
        reason: `${reason}, but not started: a reboot (up to ${Math.round(settings.rebootAllowanceMs / 60_000)} min) would end after the window closes at ${localTime(window.closesAt, window.zone!)}`,
      };
    } else {
      progress(`rebooting (${reason})`);
      const outcome = await rebootAndWait({
        connect: () => patchTransport(target, settings.connection),
        timeoutMs: settings.rebootTimeoutMs,
        ...(settings.signal && { signal: settings.signal }),
      });
      if (!outcome.ok) {
        draft.reboot = {
          performed: false,
          reason: `${reason}: ${outcome.reason}`,
          durationMs: outcome.durationMs,
          ...(outcome.bootIdBefore && { bootIdBefore: outcome.bootIdBefore }),
        };
        return end('failed', `reboot: ${outcome.reason}`, after);
      }
      draft.reboot = {
        performed: true,
        reason,
        durationMs: outcome.durationMs,
        bootIdBefore: outcome.bootIdBefore,
        bootIdAfter: outcome.bootIdAfter,
        ...(outcome.kernel && { kernel: outcome.kernel.running }),
      };
      if (outcome.kernel?.runningNewest === false) {
        return end(
          'failed',
          `the host booted kernel ${outcome.kernel.running}, not the newest installed (${outcome.kernel.newest}): not removing old packages`,
          after,
        );
      }
      rebooted = true;
    }
  } else {
    draft.reboot = { performed: false, reason: settings.reboot === 'never' ? `${why}; --reboot never` : why };
  }

  // 7. Autoremove only once the host runs what was installed; then restarts and health checks.
  const pending = needed && !rebooted;
  const autoremove = !pending && after.autoremovable.length > 0;
  if (autoremove || config.restarts.length > 0 || config.healthCommands.length > 0 || rebooted) {
    progress(
      [
        autoremove && 'apt-get autoremove',
        config.restarts.length > 0 && `restarting ${config.restarts.join(' → ')}`,
        config.healthCommands.length > 0 && 'health checks',
      ]
        .filter(Boolean)
        .join(', ') || 'reading the host after its reboot',
    );
    const last = await session(
      afterUpgradeScript({ autoremove, restarts: config.restarts, healthCommands: config.healthCommands }),
      'apply',
    );
    const steps = transcripts(last.parts, [], config.restarts, config.healthCommands);
    transcriptsSoFar.push(...steps.filter((t) => t.step !== 'health'));
    health.push(
      ...steps
        .filter((t) => t.step === 'health')
        .map((t) => ({
          check: t.name ?? '',
          ok: t.rc === 0,
          detail: `exit ${t.rc}${t.output.trim() === '' ? '' : `: ${lastLines(t.output)}`}`,
        })),
    );
    if (last.unreachable) return end('unreachable', last.failure, after);
    const state = last.ended && last.facts !== undefined ? read(last) : (last.failure ?? 'the session after the upgrade did not finish');
    if (typeof state === 'string') return end('failed', state, after);
    draft.autoremoved = Object.entries(after.installed)
      .filter(([pkg]) => state.installed[pkg] === undefined)
      .map(([pkg, version]) => ({ name: pkg, version }));
    draft.changes = changesBetween(before.installed, state.installed);
    after = state;
    const failed = steps.find((t) => t.step !== 'health' && t.rc !== 0);
    if (failed !== undefined)
      return end(
        'failed',
        `${failed.step}${failed.name ? ` ${failed.name}` : ''} failed (exit ${failed.rc}): ${lastLines(failed.output)}`,
        after,
      );
  }
  for (const url of config.healthUrls)
    health.push(await checkUrl(url, { timeoutMs: settings.healthTimeoutMs, ...(settings.signal && { signal: settings.signal }) }));
  const unhealthy = draft.health.filter((h) => !h.ok);
  if (unhealthy.length > 0)
    return end('failed', `health check failed: ${unhealthy.map((h) => `${h.check} (${h.detail})`).join('; ')}`, after);
  const did = draft.changes.length > 0 || rebooted || draft.autoremoved.length > 0;
  return end(did ? 'patched' : 'up-to-date', undefined, after);
}

/** Why a host needs a reboot, in words, or that it does not. */
function rebootReason(scan: HostScan): string {
  if (scan.reboot.required) return `required${scan.reboot.packages.length > 0 ? ` by ${scan.reboot.packages.join(', ')}` : ''}`;
  if (scan.kernel.runningNewest === false) return `a newer kernel is installed (${scan.kernel.newest})`;
  return 'not required';
}

/** A session's host state, or why it could not be read. */
function read(session: PatchSession): HostScan | string {
  try {
    return readHostScan(session.facts!, lastParts(session.parts));
  } catch (error) {
    if (error instanceof ScanError) return error.message;
    throw error;
  }
}

/** The transcripts of a session's steps, with the package, service or command each was about. */
function transcripts(
  parts: readonly SentPart[],
  keptBack: readonly string[],
  restarts: readonly string[] = [],
  health: readonly string[] = [],
): Transcript[] {
  const queues: Record<string, string[]> = { 'kept-back': [...keptBack], restart: [...restarts], health: [...health] };
  const steps = new Set(['upgrade', 'kept-back', 'mark-auto', 'autoremove', 'restart', 'health']);
  return parts
    .filter((part) => steps.has(part.part))
    .map((part) => {
      const name = queues[part.part]?.shift();
      return {
        step: part.part as Transcript['step'],
        ...(name !== undefined && { name }),
        rc: part.rc,
        output: asTerminalShows(part.text),
      };
    });
}

/** Progress that redraws a line with carriage returns (dpkg's "Reading database ... 45%"), as a terminal leaves it. */
function asTerminalShows(text: string): string {
  return text
    .split('\n')
    .map(
      (line) =>
        line
          .split('\r')
          .filter((piece) => piece !== '')
          .at(-1) ?? '',
    )
    .join('\n');
}

function changesBetween(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): HostPatchReport['changes'] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .filter((name) => before[name] !== after[name])
    .map((name) => ({
      name,
      ...(before[name] !== undefined && { before: before[name] }),
      ...(after[name] !== undefined && { after: after[name] }),
    }));
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n');
}
