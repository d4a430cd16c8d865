import type { Host } from './host.ts';
import { BosunError, ValidationError } from './errors.ts';
import { type LocalFiles, NO_LOCAL_FILES } from './local-files.ts';
import { checkRoles } from './playbook-check.ts';
import { userFrame } from './user-frame.ts';
import type { Plan } from './plan.ts';
import type { Play } from './playbook.ts';
import type { CompileMemo } from './compile-memo.ts';
import { compileResource } from './resource.ts';
import type { HandlerStep, Step } from './step.ts';

/** What the compiler is given besides the host and the plays. */
export interface CompileOptions {
  /**
   * The files roles bring from their folders (copy sources, templates, archives), read by
   * the caller: the compiler does no I/O. Without it, such a resource is a compile error.
   */
  readonly files?: LocalFiles;
  /**
   * Work shared with the other hosts of the same compile (a resource compiled once for all).
   * One memo goes with one `files`: a step it holds was compiled from that reader's files.
   */
  readonly memo?: CompileMemo;
}

/**
 * The plan for one host: every step of every role of every play the host is in, in
 * order, then the handlers. Pure: the same host and plays give the same plan. Which of
 * the steps run (`--tags`, `--skip-tags`, `--start-at-task`) is compiler/selection.ts.
 */
export function compilePlan(host: Host, plays: readonly Play[], options: CompileOptions = {}): Plan {
  const steps: Step[] = [];
  const handlers: HandlerStep[] = [];
  const files = options.files ?? NO_LOCAL_FILES;
  for (const play of plays) {
    const where = `play ${JSON.stringify(play.name)}: roles`;
    const roles = typeof play.roles === 'function' ? checkRoles(rolesFor(play, host), `${where}(${host.name})`) : play.roles;
    for (const role of roles) {
      for (const [index, resource] of role.resources.entries()) {
        const compile = (): readonly Step[] =>
          located(() => compileResource(resource, files), `role ${JSON.stringify(role.name)}: resources[${index}]`).map((compiled) => ({
            ...withRoleTags(compiled, role.tags),
            play: play.name,
            role: role.name,
          }));
        steps.push(...(options.memo === undefined ? compile() : options.memo.steps(play, role, resource, compile)));
      }
      for (const handler of role.handlers ?? []) {
        if (handlers.some((known) => known.handler === handler.name)) continue;
        const compile = (): HandlerStep => {
          const [step, ...more] = compileResource(handler.resource, files);
          if (step === undefined || more.length > 0)
            throw new ValidationError(
              `handler ${JSON.stringify(handler.name)}: resource`,
              'must be a resource of one step (a copied directory tree is one step per entry)',
            );
          if (step.flushHandlers === true)
            throw new ValidationError(`handler ${JSON.stringify(handler.name)}: resource`, 'a handler cannot flush handlers');
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
