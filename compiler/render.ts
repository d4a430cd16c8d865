import { createHash } from 'node:crypto';
import { madeKeys } from './made-paths.ts';
import { dataSections, inlineDefinitions, type Payload } from './payload.ts';
import type { Plan } from './plan.ts';
import { PRELUDE } from './prelude.ts';
import { maskSecrets } from './secret.ts';
import { quote } from './quote.ts';
import { code, lines, type Shell } from './shell.ts';
import type { HandlerStep, Step } from './step.ts';

/** A plan rendered for one host: the script, its hash, the secrets printers must mask, and its data sections. */
export interface RenderedPlan {
  readonly script: string;
  /**
   * sha256 of the script with its secrets masked, hex: names the script in reports. It is
   * no oracle for a secret (the masked script is what `bosun compile` prints anyway); a saved
   * plan pins the whole script with a keyed digest instead (cli/saved-plan.ts).
   */
  readonly digest: string;
  readonly secrets: readonly string[];
  /**
   * The content the script names but does not carry, by sha256: the runner sends a section's
   * bytes when the host asks for them (`need`). The script pins each by its sha256 and size.
   */
  readonly payloads: ReadonlyMap<string, Payload>;
}

/**
 * Renders a plan as one POSIX sh script, run as `sh -s check|apply`. The prelude defines the
 * runtime once; then each step is a few top-level lines (its functions and one `_bosun_run`),
 * so the host's shell runs the script as it reads it and holds one step at a time: its
 * cost per step does not grow with the plan. Handlers are defined first, since pending
 * ones run before any step and notified ones after the last.
 *
 * The script alone gives no protection against being cut short in transit; bosun's
 * sessions run it through a command that first reads it whole and checks its end
 * (runner/session-command.ts), so a truncated script runs nothing.
 */
export function renderPlan(plan: Plan): RenderedPlan {
  const first = plan.steps.length;
  const handlerIndex = new Map(plan.handlers.map((handler, k) => [handler.handler, first + k]));
  const sections = new Map<string, Payload>();
  const handlers = plan.handlers.map((handler, k) => ({ handler, index: first + k, ...contentOf(handler, sections) }));
  const body = lines(
    PRELUDE,
    ...handlers.map(({ handler, index, payloads }) => handlerDefinitions(handler, index, payloads)),
    ...handlers.map(({ handler, index, fetches }) => code(`_bosun_recall ${index} ${flags(handler, fetches)}`)),
    // A pending handler that fails again is reported, but must not stop the steps that may fix its cause.
    handlers.length === 0 ? undefined : code('_bosun_failed=0'),
    ...plan.steps.map((step, i) =>
      step.flushHandlers ? flushLines(step, i, handlers) : stepLines(step, i, handlerIndex, contentOf(step, sections)),
    ),
    ...handlers.map(({ handler, index, fetches }) => code(`_bosun_finally ${index} ${flags(handler, fetches)}`)),
    code('_bosun_end'),
  );
  // SC2016: quoted user values often hold a literal `$`, which is the point of quoting them.
  // SC1112: likewise typographic quotes (‘ ’) inside a quoted value are the value, not a typo.
  // SC2088: and a quoted `~/…` is a literal tilde, not a home directory that failed to expand.
  // SC2235: checks are subshell functions on purpose, so their `exit 1` cannot end the script.
  // SC2317, SC2034: step functions and handler names are reached through _bosun_run by name, which shellcheck cannot follow.
  const header = `#!/bin/sh\n# shellcheck disable=SC1112,SC2016,SC2034,SC2088,SC2235,SC2317\n# bosun plan, format ${plan.format}. Run as: sh -s check|apply\n`;
  const script = `${header}${body.text}\n`;
  // One flat string rather than a tree of thousands of pieces: a compile of a large fleet holds a
  // script per host, and the pieces were half its memory and most of its garbage collection.
  script.indexOf('\0');
  const secrets = [...new Set(body.secrets)];
  let digest: string | undefined;
  return {
    script,
    // Hashed when first asked for (a report, a saved plan): hashing every script was a third of a large compile.
    get digest(): string {
      digest ??= createHash('sha256').update(maskSecrets(script, secrets)).digest('hex');
      return digest;
    },
    secrets,
    payloads: sections,
  };
}

/** A comment line that cannot break out of the comment. */
function comment(text: string): string {
  return CONTROL.test(text) ? `# ${text.replace(CONTROLS, '?')}` : `# ${text}`;
}
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROLS = /[\u0000-\u001f\u007f]/g;

/** The content a step's code refers to, and whether it fetches any data section (which joins `sections`). */
function contentOf(step: Step, sections: Map<string, Payload>): { payloads: readonly Payload[]; fetches: boolean } {
  let payloads: Payload[] | undefined;
  for (const piece of [step.check, step.apply, step.verify, step.diff?.probe]) {
    if (piece?.payloads === undefined) continue;
    // The same content is usually one object, used by the check and by the apply.
    payloads ??= [];
    for (const data of piece.payloads) if (!payloads.includes(data)) payloads.push(data);
  }
  if (payloads === undefined) return NO_CONTENT;
  const fetched = dataSections(payloads);
  for (const data of fetched) sections.set(data.sha256, data);
  return { payloads, fetches: fetched.length > 0 };
}
const NO_CONTENT = { payloads: [], fetches: false };

/**
 * What `_bosun_run` is told about a step: which functions it has (c, v, d), whether it always
 * changes (w), whether it says what it may create (m), and whether it fetches data sections (p).
 */
function flags(step: Step, fetches: boolean): string {
  let has = '';
  if (step.check) has += 'c';
  if (step.verify) has += 'v';
  if (step.diff) has += 'd';
  if (step.check === undefined && step.alwaysChanges === true) has += 'w';
  if (step.makes) has += 'm';
  if (fetches) has += 'p';
  return has || '-';
}

/**
 * A step's functions under the shared names (each step redefines them), the call that runs it,
 * and its content's definitions and cleanup. Built as plain text: this runs once per step of
 * every host, and a compile of a large fleet spends its time here.
 */
function stepLines(
  step: Step,
  index: number,
  handlers: ReadonlyMap<string, number>,
  { payloads, fetches }: { payloads: readonly Payload[]; fetches: boolean },
): Shell {
  const content = payloads.length === 0 ? undefined : inlineDefinitions(payloads);
  let text = comment(`${index}: ${step.name}`);
  if (content !== undefined) text += `\n${content.define}`;
  text += `\n${functionsText(step, '')}\n_bosun_run ${index} step ${flags(step, fetches)} ''`;
  for (const name of step.notify) text += ` ${String(handlers.get(name))}`;
  if (step.makes !== undefined && step.makes.length > 0) text += ` -- ${madeKeys(step.makes).join(' ')}`;
  if (content !== undefined) text += `\n${content.forget}`;
  return { text, secrets: secretsOf(step), payloads: undefined };
}

/** The secrets a step's code carries (most carry none). */
function secretsOf(step: Step): readonly string[] {
  const pieces = [step.check, step.apply, step.verify, step.diff?.probe];
  if (pieces.every((piece) => piece === undefined || piece.secrets.length === 0)) return [];
  return pieces.flatMap((piece) => piece?.secrets ?? []);
}

function functionsText(step: Step, suffix: string): string {
  let text = '';
  if (step.check) text += `_bosun_c${suffix}() (\n${step.check.text}\n)\n`;
  text += `_bosun_a${suffix}() {\n${step.apply.text}\n}`;
  if (step.verify) text += `\n_bosun_v${suffix}() (\n${step.verify.text}\n)`;
  if (step.diff) text += `\n_bosun_d${suffix}() (\n${step.diff.probe.text}\n)`;
  return text;
}

/**
 * A flush point (`flushHandlers`; skipped after a failure, like any other step): the handlers
 * notified so far run here, and are forgotten, so they run again at the end only if notified
 * again (their record on the host stays until they succeed, as at the end).
 */
function flushLines(step: Step, index: number, handlers: readonly { handler: HandlerStep; index: number; fetches: boolean }[]): Shell {
  let text = `${comment(`${index}: ${step.name}`)}\n_bosun_flush ${index}`;
  for (const each of handlers) text += ` ${each.index} ${flags(each.handler, each.fetches)}`;
  return { text, secrets: [], payloads: undefined };
}

/** A handler's name and functions, under names of its own (suffix `_INDEX`): they stay until the end. */
function handlerDefinitions(handler: HandlerStep, index: number, payloads: readonly Payload[]): Shell {
  const content = payloads.length === 0 ? undefined : inlineDefinitions(payloads);
  let text = `${comment(`${index}: handler ${handler.handler}: ${handler.name}`)}\n_bosun_hn${index}=${quote(handler.handler)}`;
  if (content !== undefined) text += `\n${content.define}`;
  text += `\n${functionsText(handler, `_${index}`)}`;
  return { text, secrets: secretsOf(handler), payloads: undefined };
}
