import { createHash } from 'node:crypto';
import { dataSections, definePayloads, forgetPayloads, type Payload } from './payload.ts';
import type { Plan } from './plan.ts';
import { PRELUDE } from './prelude.ts';
import { maskSecrets } from './secret.ts';
import { code, lines, sh, type Shell } from './shell.ts';
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
  const handlers = plan.handlers.map((handler, k) => ({ handler, index: first + k }));
  const all = [...plan.steps, ...plan.handlers];
  const body = lines(
    PRELUDE,
    ...handlers.map(({ handler, index }) => handlerDefinitions(handler, index)),
    ...handlers.map(({ handler, index }) => sh`_bosun_recall ${code(String(index))} ${flags(handler)}`),
    // A pending handler that fails again is reported, but must not stop the steps that may fix its cause.
    handlers.length === 0 ? undefined : code('_bosun_failed=0'),
    ...plan.steps.map((step, i) => stepLines(step, i, handlerIndex)),
    ...handlers.map(({ handler, index }) => sh`_bosun_finally ${code(String(index))} ${flags(handler)}`),
    code('_bosun_end'),
  );
  // SC2016: quoted user values often hold a literal `$`, which is the point of quoting them.
  // SC1112: likewise typographic quotes (‘ ’) inside a quoted value are the value, not a typo.
  // SC2088: and a quoted `~/…` is a literal tilde, not a home directory that failed to expand.
  // SC2235: checks are subshell functions on purpose, so their `exit 1` cannot end the script.
  // SC2317, SC2034: step functions and handler names are reached through _bosun_run by name, which shellcheck cannot follow.
  const header = `#!/bin/sh\n# shellcheck disable=SC1112,SC2016,SC2034,SC2088,SC2235,SC2317\n# bosun plan, format ${plan.format}. Run as: sh -s check|apply\n`;
  const script = `${header}${body.text}\n`;
  const secrets = [...new Set(body.secrets)];
  const sections = dataSections(all.flatMap(payloadsOf));
  return {
    script,
    digest: createHash('sha256').update(maskSecrets(script, secrets)).digest('hex'),
    secrets,
    payloads: new Map(sections.map((data) => [data.sha256, data])),
  };
}

/** A comment line that cannot break out of the comment. */
function comment(text: string): Shell {
  return code(`# ${text.replace(/[\u0000-\u001f\u007f]/g, '?')}`);
}

/** The payloads a step's code refers to. */
function payloadsOf(step: Step): readonly Payload[] {
  return [step.check, step.apply, step.verify, step.diff?.probe].flatMap((piece) => piece?.payloads ?? []);
}

/**
 * What `_bosun_run` is told about a step: which functions it has (c, v, d), whether it always
 * changes (w), whether it says what it may create (m), and whether it fetches data sections (p).
 */
function flags(step: Step): Shell {
  const has = [
    step.check && 'c',
    step.verify && 'v',
    step.diff && 'd',
    step.check === undefined && step.alwaysChanges === true && 'w',
    step.makes && 'm',
    dataSections(payloadsOf(step)).length > 0 && 'p',
  ];
  return code(has.filter((flag) => typeof flag === 'string').join('') || '-');
}

/** A step's functions under the shared names (each step redefines them), the call that runs it, and its content's cleanup. */
function stepLines(step: Step, index: number, handlers: ReadonlyMap<string, number>): Shell {
  const payloads = payloadsOf(step);
  const notified = step.notify.map((name) => ` ${String(handlers.get(name))}`).join('');
  const makes = step.makes === undefined || step.makes.length === 0 ? code('') : sh` -- ${step.makes}`;
  return lines(
    comment(`${index}: ${step.name}`),
    payloads.length === 0 ? undefined : definePayloads(payloads),
    functions(step, ''),
    sh`_bosun_run ${code(String(index))} step ${flags(step)} ''${code(notified)}${makes}`,
    forgetPayloads(payloads),
  );
}

/** A handler's name and functions, under names of its own (suffix `_INDEX`): they stay until the end. */
function handlerDefinitions(handler: HandlerStep, index: number): Shell {
  const payloads = payloadsOf(handler);
  return lines(
    comment(`${index}: handler ${handler.handler}: ${handler.name}`),
    sh`_bosun_hn${code(String(index))}=${handler.handler}`,
    payloads.length === 0 ? undefined : definePayloads(payloads),
    functions(handler, `_${index}`),
  );
}

function functions(step: Step, suffix: string): Shell {
  const s = code(suffix);
  return lines(
    step.check && sh`_bosun_c${s}() (\n${step.check}\n)`,
    sh`_bosun_a${s}() {\n${step.apply}\n}`,
    step.verify && sh`_bosun_v${s}() (\n${step.verify}\n)`,
    step.diff && sh`_bosun_d${s}() (\n${step.diff.probe}\n)`,
  );
}
