import type { Handler, Role } from './playbook.ts';
import type { Plan } from './plan.ts';
import type { RenderedPlan } from './render.ts';
import type { Resource } from './resource.ts';
import type { HandlerStep, Step } from './step.ts';

/**
 * Work shared by the hosts of one compile: a resource of a role compiled once, a plan rendered
 * once, however many hosts have them. Compiling is pure, so a role whose resources are the same
 * objects for every host (a static `roles: [...]`) gives every host the same steps, and hosts with
 * the same steps the same script: a fleet of a thousand alike hosts costs about one. Hosts whose
 * roles function builds resources of their own compile and render on their own, as before.
 * One memo per compile (cli/targets.ts makes one per run): objects are told apart by identity.
 */
export class CompileMemo {
  readonly #steps = new WeakMap<Role, WeakMap<Resource, Step>>();
  readonly #handlers = new WeakMap<Handler, HandlerStep>();
  readonly #ids = new WeakMap<object, number>();
  readonly #rendered = new Map<string, RenderedPlan>();
  #next = 0;

  /** The step of `resource` in `role`, compiled by `compile` the first time. */
  step(role: Role, resource: Resource, compile: () => Step): Step {
    let ofRole = this.#steps.get(role);
    if (ofRole === undefined) this.#steps.set(role, (ofRole = new WeakMap()));
    let step = ofRole.get(resource);
    if (step === undefined) ofRole.set(resource, (step = compile()));
    return step;
  }

  /** The step of `handler`, compiled by `compile` the first time. */
  handler(handler: Handler, compile: () => HandlerStep): HandlerStep {
    let step = this.#handlers.get(handler);
    if (step === undefined) this.#handlers.set(handler, (step = compile()));
    return step;
  }

  /** The script of `plan`, rendered by `render` unless a plan with the very same steps and handlers was. */
  rendered(plan: Plan, render: () => RenderedPlan): RenderedPlan {
    const key = `${plan.format}:${plan.steps.map((step) => this.#id(step)).join(',')}:${plan.handlers.map((step) => this.#id(step)).join(',')}`;
    let rendered = this.#rendered.get(key);
    if (rendered === undefined) this.#rendered.set(key, (rendered = render()));
    return rendered;
  }

  #id(object: object): number {
    let id = this.#ids.get(object);
    if (id === undefined) this.#ids.set(object, (id = this.#next++));
    return id;
  }
}
