import { code } from '../shell.ts';
import type { Step } from '../step.ts';
import { knownKeys, keysOf } from '../validate.ts';

/**
 * Runs the handlers notified so far at this point of the plan, as Ansible's
 * `meta: flush_handlers`: a step after it sees their effect (a service restarted
 * with its new configuration). Each flushed handler runs again at the end only if
 * a later step notifies it again. It takes no tags: `--tags` keeps it wherever it is.
 */
export type FlushHandlersProps = Record<never, never>;

export interface FlushHandlersResource extends FlushHandlersProps {
  readonly type: 'flushHandlers';
}

/** Declares the point of the plan where the handlers notified so far run. */
export function flushHandlers(): FlushHandlersResource {
  return { type: 'flushHandlers' };
}

const KEYS = keysOf<FlushHandlersResource>({ type: true });

/** The flush point: its handlers are spliced in where the plan is rendered (compiler/render.ts). */
export function compileFlushHandlers(resource: FlushHandlersResource): Step {
  knownKeys(resource, KEYS, 'flushHandlers');
  return {
    name: 'flush handlers',
    resource: 'flushHandlers',
    flushHandlers: true,
    check: code(':'),
    apply: code(':'),
    notify: [],
    tags: [],
  };
}
