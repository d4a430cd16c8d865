import type { Host } from './host.ts';
import { BosunError, ValidationError } from './errors.ts';
import { checkRoles } from './playbook-check.ts';
import { userFrame } from './user-frame.ts';
import type { Plan } from './plan.ts';
import type { Play } from './playbook.ts';
import type { CompileMemo } from './compile-memo.ts';
import { compileResource } from './resource.ts';
import type { HandlerStep, Step } from './step.ts';

export interface CompileOptions {
  /** Keep only steps with one of these tags (handlers are always kept). */
  readonly tags?: readonly string[];
  /** Work shared with the other hosts of the same compile (a resource compiled once for all). */
  readonly memo?: CompileMemo;
}

/**
 * The plan for one host: the steps of every role of every play the host is in, in
 * order, then the handlers. Pure: the same host, plays and options give the same plan.
 */
export function compilePlan(host: Host, plays: readonly Play[], options: CompileOptions = {}): Plan {
  const steps: Step[] = [];
  const handlers: HandlerStep[] = [];
  for (const play of plays) {
    const where = `play ${JSON.stringify(play.name)}: roles`;
    const roles = typeof play.roles === 'function' ? checkRoles(rolesFor(play, host), `${where}(${host.name})`) : play.roles;
    for (const role of roles) {
      for (const [index, resource] of role.resources.entries()) {
        const compile = (): Step =>
          withRoleTags(
            located(() => compileResource(resource), `role ${JSON.stringify(role.name)}: resources[${index}]`),
            role.tags,
          );
        const step = options.memo === undefined ? compile() : options.memo.step(role, resource, compile);
        if (selected(step, options.tags)) steps.push(step);
      }
      for (const handler of role.handlers ?? []) {
        if (handlers.some((known) => known.handler === handler.name)) continue;
        const compile = (): HandlerStep => {
          const step = compileResource(handler.resource);
          // A handler runs at the end, when every step has run: there is nothing left for it to notify.
          if (step.notify.length > 0)
            throw new ValidationError(`handler ${JSON.stringify(handler.name)}: notify`, 'a handler cannot notify handlers');
          return { ...step, handler: handler.name };
        };
        handlers.push(options.memo === undefined ? compile() : options.memo.handler(handler, compile));
      }
    }
  }
  const names = new Set(handlers.map((handler) => handler.handler));
  for (const step of steps) {
    for (const name of step.notify) {
      if (!names.has(name))
        throw new ValidationError(`${step.name}: notify`, `names handler ${JSON.stringify(name)}, which no role defines`);
    }
  }
  return { format: 1, host: host.name, steps, handlers };
}

/** A play's roles function called for a host; what it throws becomes an error naming the play, the host and the line. */
function rolesFor(play: Play, host: Host): unknown {
  try {
    return (play.roles as (host: Host) => unknown)(host);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = userFrame(error);
    throw new BosunError(`play ${JSON.stringify(play.name)}: its roles function threw for host ${host.name}: ${message}`, {
      cause: error,
      host: host.name,
      ...at,
    });
  }
}

/** Runs `compile`; a ValidationError keeps its field, and its message says where the resource is. */
function located<T>(compile: () => T, where: string): T {
  try {
    return compile();
  } catch (error) {
    if (error instanceof ValidationError) error.message = `${where}: ${error.message}`;
    throw error;
  }
}

function withRoleTags(step: Step, tags: readonly string[] | undefined): Step {
  return tags === undefined || tags.length === 0 ? step : { ...step, tags: [...new Set([...step.tags, ...tags])] };
}

function selected(step: Step, tags: readonly string[] | undefined): boolean {
  return tags === undefined || tags.length === 0 || step.tags.some((tag) => tags.includes(tag));
}
