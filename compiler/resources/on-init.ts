import { CANNOT_TELL } from '../protocol.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { oneOf } from '../validate.ts';
import type { InitSystem } from './common.ts';
import { ValidationError } from '../errors.ts';

const INITS = ['systemd', 'upstart', 'sysv'] as const;

/** The init systems of a resource's `onInit`, checked; undefined when it has none. */
export function initSystems(value: unknown, where: string): readonly InitSystem[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0)
    throw new ValidationError(`${where}.onInit`, 'must list one or more of systemd, upstart, sysv');
  return value.map((each, i) => oneOf(each, `${where}.onInit[${i}]`, INITS));
}

/**
 * A step that acts only where the host's init system (`$_bosun_init`, probed by the prelude)
 * is one of `inits`: elsewhere its check passes, so it reports ok and applies nothing. The
 * choice is made on the host, at run time, like every other fact.
 */
export function onlyOnInit(step: Step, inits: readonly InitSystem[]): Step {
  const here = sh`case $_bosun_init in ${code(inits.join('|'))}) ;; *) exit 0 ;; esac`;
  const guarded = (probe: Shell): Shell => lines(here, probe);
  if (step.check !== undefined)
    return { ...step, check: guarded(step.check), ...(step.verify === undefined ? {} : { verify: guarded(step.verify) }) };
  // A step without a check acts wherever it applies: would-change when it always acts, unknown otherwise.
  const check = step.alwaysChanges ? code('exit 1') : code(`! _bosun_checking || exit ${CANNOT_TELL}\nexit 1`);
  return { ...step, check: guarded(check), verify: guarded(step.verify ?? code('true')) };
}
