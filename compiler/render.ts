import { createHash } from 'node:crypto';
import type { Plan } from './plan.ts';
import { PRELUDE } from './prelude.ts';
import { CANNOT_APPLY, CANNOT_TELL } from './protocol.ts';
import { maskSecrets } from './secret.ts';
import { code, lines, sh, type Shell } from './shell.ts';
import type { HandlerStep, Step } from './step.ts';

/** A plan rendered for one host: the script, its hash, and the secrets printers must mask. */
export interface RenderedPlan {
  readonly script: string;
  /**
   * sha256 of the script with its secrets masked, hex: names the script in reports. It is
   * no oracle for a secret (the masked script is what `bosun compile` prints anyway); a saved
   * plan pins the whole script with a keyed digest instead (cli/saved-plan.ts).
   */
  readonly digest: string;
  readonly secrets: readonly string[];
}

/**
 * Renders a plan as one POSIX sh script, run as `sh -s check|apply`. The body is a
 * single function called on the last line, so a script cut short in transit is a
 * syntax error that runs nothing, never a truncated command.
 */
export function renderPlan(plan: Plan): RenderedPlan {
  const handlerIndex = new Map(plan.handlers.map((handler, k) => [handler.handler, plan.steps.length + k]));
  const handlers = plan.handlers.map((handler, k) => ({ handler, index: plan.steps.length + k }));
  const body = lines(
    PRELUDE,
    ...plan.steps.map((step, i) => definitions(step, i)),
    ...handlers.map(({ handler, index }) => definitions(handler, index)),
    ...handlers.map(({ handler, index }) => runPending(handler, index)),
    // A pending handler that fails again is reported, but must not stop the steps that may fix its cause.
    handlers.length === 0 ? undefined : code('_bosun_failed=0'),
    ...plan.steps.map((step, i) => (step.flushHandlers ? renderFlush(i, handlers) : renderStep(step, i, 'step', handlerIndex))),
    ...handlers.map(({ handler, index }) => renderHandler(handler, index)),
    code('_bosun_end'),
  );
  // SC2016: quoted user values often hold a literal `$`, which is the point of quoting them.
  // SC1112: likewise typographic quotes (‘ ’) inside a quoted value are the value, not a typo.
  // SC2088: and a quoted `~/…` is a literal tilde, not a home directory that failed to expand.
  // SC2235: checks are subshell functions on purpose, so their `exit 1` cannot end the script.
  const header = `#!/bin/sh\n# shellcheck disable=SC1112,SC2016,SC2088,SC2235\n# bosun plan, format ${plan.format}. Run as: sh -s check|apply\n`;
  const script = `${header}_bosun_main() {\n${body.text}\n}\n_bosun_main "$@"\n`;
  const secrets = [...new Set(body.secrets)];
  return { script, digest: createHash('sha256').update(maskSecrets(script, secrets)).digest('hex'), secrets };
}

/** A comment line that cannot break out of the comment. */
function comment(text: string): Shell {
  return code(`# ${text.replace(/[\u0000-\u001f\u007f]/g, '?')}`);
}

function definitions(step: Step, index: number): Shell {
  if (step.flushHandlers) return comment(`${index}: ${step.name}`);
  return lines(
    comment(`${index}: ${step.name}`),
    step.check && sh`_bosun_check_${code(String(index))}() (\n${step.check}\n)`,
    sh`_bosun_apply_${code(String(index))}() {\n${step.apply}\n}`,
    step.verify && sh`_bosun_verify_${code(String(index))}() (\n${step.verify}\n)`,
    step.diff && sh`_bosun_diff_${code(String(index))}() (\n${step.diff.probe}\n)`,
  );
}

/**
 * The check → apply → verify sequence of one step or handler. In apply mode, the
 * handlers a step notifies are recorded on the host before it acts (see `_bosun_intend`),
 * and its result is reported only after that: a session that dies at any point of the
 * step leaves no change whose handler is forgotten.
 */
function renderStep(step: Step, index: number, role: 'step' | 'handler', handlers: ReadonlyMap<string, number>): Shell {
  const i = code(String(index));
  const notified = lines(
    ...step.notify.map((name) => sh`_bosun_notify ${code(String(handlers.get(name)))}`),
    role === 'handler' && 'handler' in step ? sh`_bosun_checking || _bosun_handled ${(step as HandlerStep).handler}` : undefined,
  );
  const notifiedOr = notified.text === '' ? code(':') : notified;
  const check = step.check && sh`_bosun_check_${i} 3>&1 >/dev/null 2>&1 </dev/null; _bosun_rc=$?`;
  const decide = check
    ? sh`${check}
  if [ "$_bosun_rc" -eq 0 ]; then _bosun_result ${i} ok${role === 'handler' ? sh`; ${notifiedOr}` : code('')}
  elif [ "$_bosun_rc" -eq ${CANNOT_APPLY} ]; then _bosun_fail ${i} ${CANNOT_APPLY}
  elif _bosun_checking; then ${inCheckMode(step, i, notifiedOr)}
  else
    ${applied(step, i, notifiedOr)}
  fi`
    : sh`if _bosun_checking; then ${inCheckMode(step, i, notifiedOr)}
  else
    ${applied(step, i, notifiedOr)}
  fi`;
  return sh`if _bosun_begin ${i} ${role}; then
  ${decide}
fi`;
}

/**
 * Check mode, once the check failed (or for a step without a check): what apply would
 * do. Known when the check could tell (would-change, with the diff probe) or the step
 * always acts; otherwise unknown. Either way the steps after it learn what it may create.
 */
function inCheckMode(step: Step, i: Shell, notifiedOr: Shell): Shell {
  const mayMake = mayMakeOf(step.makes);
  if (step.check !== undefined) {
    const diff = step.diff ? sh`_bosun_diff_${i} </dev/null; ` : code('');
    return sh`${mayMake}; if [ "$_bosun_rc" -eq ${CANNOT_TELL} ]; then _bosun_result ${i} unknown; else ${diff}_bosun_result ${i} would-change; ${notifiedOr}; fi`;
  }
  if (step.alwaysChanges === true) return sh`${mayMake}; _bosun_result ${i} would-change; ${notifiedOr}`;
  return sh`${mayMake}; _bosun_result ${i} unknown`;
}

/** Check mode: what the steps after a would-change step learn about what it may create. */
function mayMakeOf(makes: readonly string[] | undefined): Shell {
  if (makes === undefined) return code('_bosun_boundless=1');
  return makes.length === 0 ? code(':') : sh`_bosun_may_make ${makes}`;
}

/**
 * Apply mode: record the handlers, apply, verify, then report. A failed apply takes its
 * records back; a step that applied but did not converge keeps them (it changed something).
 */
function applied(step: Step, i: Shell, notifiedOr: Shell): Shell {
  const verifyName = step.verify ? sh`_bosun_verify_${i}` : step.check && sh`_bosun_check_${i}`;
  const verify = verifyName ? sh`${verifyName} >/dev/null 2>&1 </dev/null; _bosun_rc=$?` : code('_bosun_rc=0');
  // A command substitution strips trailing newlines: the x after the output keeps them.
  const run = sh`_bosun_point apply ${i}
    _bosun_out=$(_bosun_live _bosun_apply_${i}; _bosun_rc=$?; echo x; exit "$_bosun_rc")
    _bosun_rc=$?; _bosun_out=\${_bosun_out%x}
    _bosun_point applied ${i}
    if _bosun_applied ${i} "$_bosun_rc" "$_bosun_out"; then
      ${verify}; _bosun_point verified ${i}
      _bosun_verified ${i} "$_bosun_rc" && { ${notifiedOr}; }
      _bosun_point reported ${i}`;
  if (step.notify.length === 0) return sh`${run}\n    fi`;
  return sh`_bosun_point intend ${i}
    if _bosun_intend ${step.notify}; then
    ${run}
    else _bosun_withdraw; fi
    else _bosun_unrecorded ${i}; fi`;
}

/**
 * A handler an earlier run could not run (it failed, or the session died) runs
 * first, before any step; it runs again at the end only if notified again.
 */
function runPending(handler: HandlerStep, index: number): Shell {
  return sh`if _bosun_was_pending ${handler.handler}; then
_bosun_pending_event ${code(String(index))}
${renderStep(handler, index, 'handler', new Map())}
fi`;
}

/**
 * Handlers run once, at the end, when notified: even after a failed step. At a flush point
 * they run early and are forgotten, so they run again at the end only if notified again
 * (their record on the host stays until they succeed, as at the end).
 */
function renderHandler(handler: HandlerStep, index: number, flushed = false): Shell {
  return sh`if _bosun_is_notified ${code(String(index))}; then
${flushed ? sh`_bosun_unnotify ${code(String(index))}\n` : code('')}${renderStep(handler, index, 'handler', new Map())}
fi`;
}

/** A flush point (a step skipped after a failure, like any other): the handlers notified so far run here. */
function renderFlush(index: number, handlers: readonly { handler: HandlerStep; index: number }[]): Shell {
  const i = code(String(index));
  return sh`if _bosun_begin ${i} step; then
_bosun_result ${i} ok
${lines(...handlers.map((each) => renderHandler(each.handler, each.index, true)))}
fi`;
}
