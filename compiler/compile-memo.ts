import type { Handler, Play, Role } from './playbook.ts';
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
  readonly #steps = new WeakMap<Play, WeakMap<Role, WeakMap<Resource, readonly Step[]>>>();
  readonly #handlers = new WeakMap<Handler, HandlerStep>();
  readonly #ids = new WeakMap<object, number>();
  readonly #rendered = new Map<string, RenderedPlan>();
  #next = 0;

  /** The steps of `resource` in `role` of `play` (steps name their play and role), compiled by `compile` the first time. */
  steps(play: Play, role: Role, resource: Resource, compile: () => readonly Step[]): readonly Step[] {
    const ofPlay = remembered(this.#steps, play, () => new WeakMap<Role, WeakMap<Resource, readonly Step[]>>());
    return remembered(
      remembered(ofPlay, role, () => new WeakMap<Resource, readonly Step[]>()),
      resource,
      compile,
    );
  }

  /** The step of `handler`, compiled by `compile` the first time. */
  handler(handler: Handler, compile: () => HandlerStep): HandlerStep {
    return remembered(this.#handlers, handler, compile);
  }

  /** The script of `plan`, rendered by `render` unless a plan with the very same steps and handlers was. */
  rendered(plan: Plan, render: () => RenderedPlan): RenderedPlan {
    const key = `${plan.format}:${plan.steps.map((step) => this.#id(step)).join(',')}:${plan.handlers.map((step) => this.#id(step)).join(',')}`;
    return remembered(this.#rendered, key, render);
  }

  #id(object: object): number {
    return remembered(this.#ids, object, () => this.#next++);
  }
}

/** The value `map` holds for `key`, made by `make` (and kept) the first time. */
function remembered<K extends object | string, V>(
  map: { get(key: K): V | undefined; set(key: K, value: V): unknown },
  key: K,
  make: () => V,
): V {
  const known = map.get(key);
  if (known !== undefined) return known;
  const made = make();
  map.set(key, made);
  return made;
}
