import type { HandlerStep, Step } from './step.ts';

/**
 * Everything bosun will do on one host, in order. Deterministic and
 * JSON-serializable: the same inputs give the same plan and the same script.
 */
export interface Plan {
  readonly format: 1;
  readonly host: string;
  readonly steps: readonly Step[];
  readonly handlers: readonly HandlerStep[];
}

/** Whether a script only looks (check) or also acts (apply). */
export type Mode = 'check' | 'apply';
