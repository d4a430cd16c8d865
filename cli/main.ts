import { Command, CommanderError, Option } from 'commander';
import { constants } from 'node:os';
import { BosunError, ValidationError } from '../compiler/errors.ts';
import { maskSecrets } from '../compiler/secret.ts';
import { parseExtraVars } from '../inventory/extra-vars.ts';
import { parseLimit } from '../inventory/limit.ts';
import { inventoryCommand } from './inventory-command.ts';
import { registerPatchCommands } from './patch-command.ts';
import { reportCommand } from './report-command.ts';
import { parseSerial } from '../runner/batches.ts';
import { printable } from '../runner/printable.ts';
import { type Listing, percentage, positiveInteger, type RunOptions } from './options.ts';
import { applySavedPlan } from './apply-saved-plan.ts';
import { terminalQuestions } from './prompt.ts';
import { type Io, prepare, runPlaybook } from './run-command.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Flags of compile, check and apply (README's command section lists them so). */
function withRunFlags(command: Command): Command {
  return command
    .option('-i, --inventory <source>', 'inventory file, directory, EC2 config or host list (repeatable); none = this machine', collect, [])
    .option('-l, --limit <pattern>', 'further limit the hosts with a pattern (or @file of names)')
    .option('-t, --tags <tags>', 'only steps with one of these tags (comma-separated; always/never/tagged/untagged/all as in Ansible)')
    .option('--skip-tags <tags>', 'leave out steps with one of these tags (comma-separated; wins over --tags)')
    .option('--start-at-task <name>', 'start at the first step with this name (a glob, or "role : name"); earlier steps do not run')
    .option('-e, --extra-vars <key=value>', 'set a variable, highest precedence (repeatable; @file.yml reads a file)', collect, [])
    .option('--no-typecheck', 'load the playbook without type-checking it first');
}

/** Flags of check and apply: running, reporting and reaching hosts. */
function withExecutionFlags(command: Command): Command {
  return command
    .option('--json <file>', 'write every host, step, status, diff, output and duration as JSON')
    .option('--junit <file>', 'write a JUnit XML report: a testcase per host and step, drift and failures as failures')
    .option('--html <file>', 'write a self-contained HTML page: hosts × steps, filters, diffs, durations')
    .option('--summary-md <file>', 'write a Markdown summary (CI job summary, pull request comment)')
    .option('-D, --diff', 'print unified diffs of files that would change')
    .option(
      '-v, --verbose',
      "print every step's output when it ends (-vv: line by line as it comes, each step's duration, the sessions' own log)",
      (_: string, n: number) => n + 1,
      0,
    )
    .option('--step', 'confirm each step on the terminal before anything runs')
    .option('--list-hosts', 'list the hosts of each play and run nothing')
    .option('--list-tasks', 'list the steps of each play, with their tags, and run nothing')
    .option('--list-tags', 'list the tags of each play and run nothing')
    .option('--syntax-check', 'load, type-check and compile for every targeted host, and run nothing')
    .option('-f, --forks <n>', 'hosts run at once', '10')
    .option('--serial <batches>', 'rolling batches: a count, a percentage, or a list like 1,25%,100%')
    .option('--max-fail-percentage <pct>', 'stop later batches when more than this share of a batch failed')
    .option('--timeout <seconds>', 'per-host timeout')
    .option('--accept-new-host-keys', 'trust hosts seen for the first time (never a changed key)')
    .option('-F, --ssh-config <file>', 'ssh_config file for every SSH connection')
    .option('-K, --ask-become-pass', 'ask once for the sudo password (sent on stdin, never printed)');
}

const tagList = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : [];

const LISTINGS = { listHosts: 'hosts', listTasks: 'tasks', listTags: 'tags', syntaxCheck: 'syntax' } as const;

/** The one listing flag given, if any (two are refused: each is a whole command of its own). */
function listingOf(flags: Record<string, unknown>): Listing | undefined {
  const given = Object.entries(LISTINGS).filter(([flag]) => flags[flag] === true);
  if (given.length > 1) {
    const names = given.map(([flag]) => `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new ValidationError(names.join(', '), 'give one of these at a time');
  }
  return given[0]?.[1];
}

async function runOptions(flags: Record<string, unknown>): Promise<RunOptions> {
  const listing = listingOf(flags);
  return {
    inventories: flags.inventory as string[],
    ...(typeof flags.limit === 'string' && { limit: await parseLimit(flags.limit) }),
    tags: tagList(flags.tags),
    skipTags: tagList(flags.skipTags),
    ...(typeof flags.startAtTask === 'string' && { startAtTask: flags.startAtTask }),
    step: flags.step === true,
    verbosity: typeof flags.verbose === 'number' ? flags.verbose : 0,
    ...(listing !== undefined && { listing }),
    ...(typeof flags.junit === 'string' && { junit: flags.junit }),
    ...(typeof flags.html === 'string' && { html: flags.html }),
    ...(typeof flags.summaryMd === 'string' && { summaryMd: flags.summaryMd }),
    extraVars: await parseExtraVars(flags.extraVars as string[]),
    ...(typeof flags.json === 'string' && { json: flags.json }),
    diff: flags.diff === true,
    forks: positiveInteger(String(flags.forks ?? '10'), '--forks'),
    ...(typeof flags.serial === 'string' && { serial: parseSerial(flags.serial) }),
    ...(typeof flags.maxFailPercentage === 'string' && { maxFailPercentage: percentage(flags.maxFailPercentage, '--max-fail-percentage') }),
    ...(typeof flags.timeout === 'string' && { timeoutSeconds: positiveInteger(flags.timeout, '--timeout') }),
    acceptNewHostKeys: flags.acceptNewHostKeys === true,
    ...(typeof flags.sshConfig === 'string' && { sshConfig: flags.sshConfig }),
    askBecomePass: flags.askBecomePass === true,
    detailedExitcode: flags.detailedExitcode === true,
    ...(typeof flags.out === 'string' && { out: flags.out }),
    typecheck: flags.typecheck !== false,
  };
}

/** The commander attribute of each run option, to ask whether the user gave it. */
const FLAG_OF: Record<keyof RunOptions, string> = {
  inventories: 'inventory',
  limit: 'limit',
  tags: 'tags',
  skipTags: 'skipTags',
  startAtTask: 'startAtTask',
  step: 'step',
  verbosity: 'verbose',
  listing: 'listing',
  junit: 'junit',
  html: 'html',
  summaryMd: 'summaryMd',
  extraVars: 'extraVars',
  json: 'json',
  diff: 'diff',
  forks: 'forks',
  serial: 'serial',
  maxFailPercentage: 'maxFailPercentage',
  timeoutSeconds: 'timeout',
  acceptNewHostKeys: 'acceptNewHostKeys',
  sshConfig: 'sshConfig',
  askBecomePass: 'askBecomePass',
  detailedExitcode: 'detailedExitcode',
  out: 'out',
  typecheck: 'typecheck',
};

/** The `bosun` command. Returns the exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const program = new Command('bosun')
    .description('Typed roles compiled to idempotent shell plans, checked and applied over SSH.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  withRunFlags(program.command('compile').argument('<playbook>').description('print the script bosun would run on a host'))
    .option('--host <name>', 'the host whose script to print (default: the first)')
    .action(async (playbook: string, flags: Record<string, unknown>) => {
      const { targets } = await prepare(playbook, await runOptions({ ...flags, forks: '1' }));
      const target = typeof flags.host === 'string' ? targets.find((t) => t.host.name === flags.host) : targets[0];
      if (target === undefined)
        throw new BosunError(
          typeof flags.host === 'string' ? `host ${flags.host} is not targeted by this playbook` : 'the playbook targets no host',
        );
      io.stdout(maskSecrets(target.rendered.script, target.rendered.secrets));
    });

  withExecutionFlags(
    withRunFlags(program.command('check').argument('<playbook>').description('report what would change; writes nothing on any host')),
  )
    .option('--out <plan.json>', 'save the plan (script hash per host) for bosun apply')
    .action(async (playbook: string, flags: Record<string, unknown>) => {
      code = await runPlaybook(playbook, 'check', await runOptions(flags), io);
    });

  withExecutionFlags(
    withRunFlags(
      program
        .command('apply')
        .argument('<playbook>', 'a playbook, or a plan saved by check --out')
        .description('bring hosts to the desired state'),
    ),
  )
    .option('-C, --check', 'check instead: report what would change, write nothing (as bosun check)')
    // check always exits 2 for pending changes; only apply needs asking.
    .addOption(new Option('--detailed-exitcode', 'exit 2 when changes were made').default(false))
    .action(async (playbook: string, flags: Record<string, unknown>, command: Command) => {
      const options = await runOptions(flags);
      const given = (option: keyof RunOptions): boolean => command.getOptionValueSource(FLAG_OF[option]) === 'cli';
      if (flags.check === true && playbook.endsWith('.json'))
        throw new ValidationError('-C', `cannot check a saved plan (${playbook}): bosun check the playbook instead`);
      if (flags.check === true) code = await runPlaybook(playbook, 'check', options, io);
      else
        code = playbook.endsWith('.json')
          ? await applySavedPlan(playbook, { options, given }, io)
          : await runPlaybook(playbook, 'apply', options, io);
    });

  program
    .command('report')
    .argument('<report.json>', 'a report saved by check/apply --json')
    .description('write the HTML, JUnit or Markdown report of a saved JSON report')
    .option('--junit <file>', 'JUnit XML (- for stdout)')
    .option('--html <file>', 'self-contained HTML page (- for stdout)')
    .option('--summary-md <file>', 'Markdown summary (- for stdout)')
    .action(async (file: string, flags: Record<string, unknown>) => {
      const pick = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
      const targets = { junit: pick('junit'), html: pick('html'), summaryMd: pick('summaryMd') };
      code = await reportCommand(file, Object.fromEntries(Object.entries(targets).filter(([, v]) => v !== undefined)), io);
    });

  program
    .command('inventory')
    .description('show what an inventory resolves to: list | graph | host NAME')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[]) => {
      code = await inventoryCommand(args);
    });

  registerPatchCommands(program, io, (patchCode) => {
    code = patchCode;
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof BosunError) {
      io.stderr(`bosun: ${printable(error.describe(), { lines: true })}\n`);
      return 1;
    }
    throw error;
  }
}

function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    signal: interruptSignal(),
    ...(process.stdin.isTTY === true && { questions: terminalQuestions }),
  };
}

/**
 * Aborted by the first SIGINT or SIGTERM (its reason is the signal's name): the run then
 * starts no new host, ends the sessions that are running, on their hosts too, and prints
 * its recap. A second signal exits at once.
 */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.on(name, () => {
      if (controller.signal.aborted) process.exit(128 + constants.signals[name]);
      process.stderr.write(`\nbosun: ${name}: ending the running sessions, starting no new host (again to quit at once)\n`);
      controller.abort(name);
    });
  }
  return controller.signal;
}
