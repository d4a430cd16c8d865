import type { Host } from '../inventory/host.ts';
import { ValidationError } from './errors.ts';
import type { Plan } from './plan.ts';
import type { Play } from './playbook.ts';
import { compileResource } from './resource.ts';
import type { HandlerStep, Step } from './step.ts';

export interface CompileOptions {
  /** Keep only steps with one of these tags (handlers are always kept). */
  readonly tags?: readonly string[];
}

/**
 * The plan for one host: the steps of every role of every play the host is in, in
 * order, then the handlers. Pure: the same host, plays and options give the same plan.
 */
export function compilePlan(host: Host, plays: readonly Play[], options: CompileOptions = {}): Plan {
  const steps: Step[] = [];
  const handlers: HandlerStep[] = [];
  for (const play of plays) {
    const roles = typeof play.roles === 'function' ? play.roles(host) : play.roles;
    for (const role of roles) {
      for (const resource of role.resources) {
        const step = withRoleTags(compileResource(resource), role.tags);
        if (selected(step, options.tags)) steps.push(step);
      }
      for (const handler of role.handlers ?? []) {
        if (handlers.some((known) => known.handler === handler.name)) continue;
        const step = compileResource(handler.resource);
        // A handler runs at the end, when every step has run: there is nothing left for it to notify.
        if (step.notify.length > 0)
          throw new ValidationError(`handler ${JSON.stringify(handler.name)}: notify`, 'a handler cannot notify handlers');
        handlers.push({ ...step, handler: handler.name });
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

function withRoleTags(step: Step, tags: readonly string[] | undefined): Step {
  return tags === undefined || tags.length === 0 ? step : { ...step, tags: [...new Set([...step.tags, ...tags])] };
}

function selected(step: Step, tags: readonly string[] | undefined): boolean {
  return tags === undefined || tags.length === 0 || step.tags.some((tag) => tags.includes(tag));
}
