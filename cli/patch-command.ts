import { type Command, Option } from 'commander';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { BosunError, ValidationError } from '../compiler/errors.ts';
import { type Baseline, baselineRefusal, buildBaseline, parseBaseline } from '../compiler/patch/baseline.ts';
import { hostPatchConfig } from '../compiler/patch/host-config.ts';
import type { UpgradeRequest } from '../compiler/patch/upgrade-plan.ts';
import { parseSerial } from '../runner/batches.ts';
import { printable } from '../runner/printable.ts';
import { applyPatches, type StageOutcome } from '../runner/patch/apply-hosts.ts';
import { applyExitCode, hostPatchHuman, stageSummary } from '../runner/patch/report-apply.ts';
import { type Secret, secret } from '../compiler/secret.ts';
import { type PatchTarget, patchTargets } from '../runner/patch/patch-target.ts';
import { scanExitCode, scanHuman } from '../runner/patch/report-scan.ts';
import { scanHosts } from '../runner/patch/scan-hosts.ts';
import { inventoryHosts } from './inventory-hosts.ts';
import { percentage, positiveInteger } from './options.ts';
import { promptSecret } from './prompt.ts';
import type { Io } from './run-command.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Flags every patch command takes: which hosts, how to reach them, where the JSON goes. */
function withTargetFlags(command: Command): Command {
  return command
    .option('-i, --inventory <source>', 'inventory file, directory, EC2 config or host list (repeatable); none = this machine', collect, [])
    .option('-l, --limit <pattern>', 'further limit the hosts with a pattern (or @file of names)')
    .option('-e, --extra-vars <key=value>', 'set a variable, highest precedence (repeatable; @file.yml reads a file)', collect, [])
    .option('--json <file>', 'write the report as JSON (- for stdout, then nothing else is printed there)')
    .option('--security-only', 'only security updates count (scan) and are installed (apply)')
    .option('-f, --forks <n>', 'hosts at once', '10')
    .option('--timeout <seconds>', 'per-session time limit')
    .option('--accept-new-host-keys', 'trust hosts seen for the first time (never a changed key)')
    .option('-F, --ssh-config <file>', 'ssh_config file for every SSH connection')
    .option('-K, --ask-become-pass', 'ask once for the sudo password (sent on stdin, never printed)');
}

/** What every patch command resolved before touching a host. */
interface Prepared {
  readonly targets: PatchTarget[];
  readonly forks: number;
  readonly timeoutMs?: number;
  readonly connection: { acceptNewHostKeys: boolean; sshConfigFile?: string; becomePassword?: Secret; controlDir: string };
}

async function prepare(flags: Record<string, unknown>, controlDir: string): Promise<Prepared> {
  const hosts = await inventoryHosts(flags);
  const becomePassword = flags.askBecomePass === true ? secret(await promptSecret('BECOME password: ')) : undefined;
  return {
    targets: patchTargets(hosts),
    forks: positiveInteger(String(flags.forks ?? '10'), '--forks'),
    ...(typeof flags.timeout === 'string' && { timeoutMs: positiveInteger(flags.timeout, '--timeout') * 1000 }),
    connection: {
      acceptNewHostKeys: flags.acceptNewHostKeys === true,
      ...(typeof flags.sshConfig === 'string' && { sshConfigFile: flags.sshConfig }),
      ...(becomePassword !== undefined && { becomePassword }),
      controlDir,
    },
  };
}

/** Writes the JSON report to its file, or to stdout for `-`. */
async function writeJson(target: unknown, report: unknown, io: Io): Promise<void> {
  if (typeof target !== 'string') return;
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (target === '-') io.stdout(text);
  else await writeFile(target, text);
}

/** Runs `body` with a private directory for the run's SSH control sockets, removed after. */
async function withControlDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-ssh-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `bosun patch scan | apply`: the monthly patching procedure (docs/patching.md). Registers
 * the commands on `program`; each sets the exit code through `setCode`.
 */
export function registerPatchCommands(program: Command, io: Io, setCode: (code: number) => void): void {
  const patch = program
    .command('patch')
    .description('scan hosts for missing patches, or apply them: snapshot, window, upgrade, reboot, autoremove');

  withTargetFlags(patch.command('scan').description('list missing patches per host; writes nothing (exit 2 when patches are missing)'))
    .addOption(new Option('--refresh', 'refresh the package lists first (apt-get update): the one write, reported'))
    .action(async (flags: Record<string, unknown>) => {
      const startedAt = new Date();
      await withControlDir(async (controlDir) => {
        const prepared = await prepare(flags, controlDir);
        const reports = await scanHosts(prepared.targets, {
          refresh: flags.refresh === true,
          securityOnly: flags.securityOnly === true,
          forks: prepared.forks,
          ...(prepared.timeoutMs !== undefined && { timeoutMs: prepared.timeoutMs }),
          ...(io.signal && { signal: io.signal }),
          connection: prepared.connection,
        });
        const code = interrupted(io) ?? scanExitCode(reports);
        if (flags.json !== '-') io.stdout(scanHuman(reports));
        await writeJson(
          flags.json,
          { format: 1, command: 'patch scan', startedAt: startedAt.toISOString(), exitCode: code, hosts: reports },
          io,
        );
        setCode(code);
      });
    });

  withTargetFlags(
    patch.command('apply').description('patch hosts: window, snapshot, upgrade, reboot and wait, autoremove, restarts, health'),
  )
    .option('--kept-back', 'also install the kept-back packages, one by one (never dist-upgrade)')
    .addOption(
      new Option('--reboot <when>', 'reboot when required (reboot-required, newer kernel), always or never')
        .choices(['required', 'always', 'never'])
        .default('required'),
    )
    .option('--reboot-timeout <seconds>', 'how long a rebooted host may take to come back', '600')
    .option('--reboot-allowance <minutes>', 'how long a reboot may take: one that would end after the window is not started', '5')
    .option('--no-snapshot', 'patch without confirming an EBS snapshot first')
    .option('--snapshot-max-age <hours>', 'a completed snapshot younger than this confirms a volume', '24')
    .option('--snapshot-timeout <seconds>', 'how long to wait for a snapshot to complete', '1800')
    .option('--ec2-endpoint <url>', 'EC2 endpoint for the snapshots (else the SDK default, AWS_ENDPOINT_URL_EC2…)')
    .option('--ignore-windows', 'patch hosts outside their patch_window')
    .option('--stage <name>', 'the stage being patched (nonprod, prod…): named in the summary and the baseline')
    .option('--baseline-out <file>', 'where a stage without --baseline writes the versions it applied', 'patch-baseline.json')
    .option('--baseline <file>', "install exactly a stage's baseline; refuse hosts whose candidates differ")
    .option('--soak <days>', 'a baseline younger than this is refused', '7')
    .option('--force', 'apply a baseline that has not soaked yet')
    .option('--restart <services>', 'restart these services after patching, in order (comma-separated; overrides patch_restart)')
    .option('--health <check>', 'a URL or a command that must pass afterwards (repeatable; overrides patch_health)', collect, [])
    .option('--health-timeout <seconds>', 'how long a health URL may take to answer', '60')
    .option('--serial <batches>', 'rolling batches: a count, a percentage, or a list like 1,25%,100% (default 1)', '1')
    .option('--max-fail-percentage <pct>', 'stop later batches when more than this share of a batch failed (default 0)', '0')
    .option('--no-transcripts', "do not print apt's transcripts (the JSON report keeps them)")
    .action(async (flags: Record<string, unknown>) => {
      const startedAt = new Date();
      const now = (): Date => new Date();
      const request: UpgradeRequest = { securityOnly: flags.securityOnly === true, keptBack: flags.keptBack === true };
      const baseline = typeof flags.baseline === 'string' ? await readBaseline(flags.baseline) : undefined;
      if (baseline !== undefined) {
        const soakMs = nonNegative(String(flags.soak), '--soak') * 86_400_000;
        const refused = baselineRefusal(baseline, request, now(), soakMs, flags.force === true);
        if (refused !== undefined) throw new BosunError(`--baseline ${String(flags.baseline)}: ${refused}`);
      }
      await withControlDir(async (controlDir) => {
        const prepared = await prepare(flags, controlDir);
        const overrides = {
          ...(typeof flags.restart === 'string' && {
            restarts: flags.restart
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }),
          ...((flags.health as string[]).length > 0 && { health: flags.health as string[] }),
        };
        // Every host's patch variables are read before any host is touched.
        const jobs = prepared.targets.map((target) => ({ target, config: hostPatchConfig(target.host, overrides) }));
        const stage = typeof flags.stage === 'string' ? flags.stage : 'patch';
        const outcome: StageOutcome = await applyPatches(
          jobs,
          {
            request,
            reboot: flags.reboot as 'required' | 'always' | 'never',
            rebootTimeoutMs: positiveInteger(String(flags.rebootTimeout), '--reboot-timeout') * 1000,
            rebootAllowanceMs: nonNegative(String(flags.rebootAllowance), '--reboot-allowance') * 60_000,
            ignoreWindows: flags.ignoreWindows === true,
            ...(flags.snapshot !== false && {
              snapshot: {
                maxAgeMs: nonNegative(String(flags.snapshotMaxAge), '--snapshot-max-age') * 3_600_000,
                waitTimeoutMs: positiveInteger(String(flags.snapshotTimeout), '--snapshot-timeout') * 1000,
                ...(typeof flags.ec2Endpoint === 'string' && { endpoint: flags.ec2Endpoint }),
                now,
              },
            }),
            ...(baseline !== undefined && { baseline }),
            healthTimeoutMs: positiveInteger(String(flags.healthTimeout), '--health-timeout') * 1000,
            now,
            ...(prepared.timeoutMs !== undefined && { timeoutMs: prepared.timeoutMs }),
            ...(io.signal && { signal: io.signal }),
            connection: prepared.connection,
            ...(flags.json !== '-' && {
              onProgress: (host: string, text: string) => io.stdout(`${printable(host)}: ${printable(text)}\n`),
            }),
          },
          {
            forks: prepared.forks,
            serial: parseSerial(String(flags.serial)),
            maxFailPercentage: percentage(String(flags.maxFailPercentage), '--max-fail-percentage'),
          },
          (report) => {
            if (flags.json !== '-') io.stdout(hostPatchHuman(report, { transcripts: flags.transcripts !== false }));
          },
        );
        let code = interrupted(io) ?? applyExitCode(outcome);
        let written: string | undefined;
        let baselineProblem: string | undefined;
        if (baseline === undefined && typeof flags.stage === 'string') {
          try {
            written = await writeBaseline(String(flags.baselineOut), stage, startedAt, request, outcome);
          } catch (error) {
            if (!(error instanceof BosunError)) throw error;
            baselineProblem = error.message;
            code |= 4;
          }
        }
        if (flags.json !== '-') {
          io.stdout(stageSummary(stage, outcome));
          if (written !== undefined) io.stdout(`baseline of stage ${printable(stage)} written to ${printable(written)}\n`);
          if (baselineProblem !== undefined) io.stdout(`no baseline written: ${printable(baselineProblem)}\n`);
        }
        await writeJson(
          flags.json,
          {
            format: 1,
            command: 'patch apply',
            stage,
            startedAt: startedAt.toISOString(),
            durationMs: Date.now() - startedAt.getTime(),
            exitCode: code,
            hosts: outcome.reports,
            notRun: outcome.notRun,
            ...(written !== undefined && { baselineWritten: written }),
            ...(baselineProblem !== undefined && { baselineProblem }),
          },
          io,
        );
        setCode(code);
      });
    });
}

async function readBaseline(file: string): Promise<Baseline> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new ValidationError('--baseline', `cannot read ${file}: ${error.message}`);
  });
  return parseBaseline(text, file);
}

/**
 * Writes the versions a stage applied, per release, as the baseline for the next stage:
 * only when every host that ran succeeded (a failed stage gives prod nothing to follow).
 * Atomic: a temp file in the same folder, renamed into place.
 */
async function writeBaseline(
  file: string,
  stage: string,
  startedAt: Date,
  request: UpgradeRequest,
  outcome: StageOutcome,
): Promise<string> {
  const failed = outcome.reports.filter((r) => r.status === 'failed' || r.status === 'unreachable' || r.status === 'refused');
  if (failed.length > 0 || outcome.notRun.length > 0)
    throw new BosunError(`the stage did not succeed on ${[...failed.map((r) => r.host), ...outcome.notRun].join(', ')}`);
  const done = outcome.reports.filter((r) => (r.status === 'patched' || r.status === 'up-to-date') && r.os !== undefined);
  if (done.length === 0) throw new BosunError('no host was patched in this stage');
  const baseline = buildBaseline(
    stage,
    startedAt,
    request,
    done.map((r) => ({
      host: r.host,
      os: r.os!,
      applied: Object.fromEntries(r.changes.filter((c) => c.after !== undefined).map((c) => [c.name, c.after!])),
    })),
  );
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  await writeFile(temp, `${JSON.stringify(baseline, null, 2)}\n`);
  await rename(temp, file);
  return file;
}

/** 128 + the signal's number when the run was interrupted (as a shell reports it), else undefined. */
function interrupted(io: Io): number | undefined {
  if (io.signal?.aborted !== true) return undefined;
  const reason = io.signal.reason;
  return (
    128 +
    (typeof reason === 'string' ? (constants.signals[reason as NodeJS.Signals] ?? constants.signals.SIGINT) : constants.signals.SIGINT)
  );
}

function nonNegative(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new ValidationError(flag, `expected a number >= 0, got ${JSON.stringify(text)}`);
  return value;
}
