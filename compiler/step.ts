import type { Shell } from './shell.ts';

/**
 * One unit of a plan: a read-only `check` (exit 0 = already in the desired state),
 * an `apply` that gets there, and optional probes. Apply mode runs check, applies
 * only when it fails, then checks again: a step that does not converge has failed.
 */
export interface Step {
  /** Stable name shown to people, e.g. `file /etc/apt/apt.conf.d/20auto-upgrades`. */
  readonly name: string;
  /** The resource type it came from (`file`, `package`, …). */
  readonly resource: string;
  /**
   * Read-only test of the desired state. Absent when the step cannot be checked
   * without acting (an unguarded command): check mode then reports `unknown`.
   * A check that can only sometimes tell read-only exits CANNOT_TELL in check mode.
   */
  readonly check?: Shell;
  /** Brings the host to the desired state. Runs only when `check` fails (or is absent). */
  readonly apply: Shell;
  /** Read-only test run after `apply`; defaults to `check`. A failure means "did not converge". */
  readonly verify?: Shell;
  /**
   * For a step without `check` that always acts (a service restart): check mode
   * reports `would-change` instead of `unknown`, since its outcome is known.
   */
  readonly alwaysChanges?: boolean;
  /**
   * Read-only probe run in check mode when `check` fails: prints the current
   * content (and, for edits computed on the host, the would-be content) as
   * framed events so the controller can render a unified diff.
   */
  readonly diff?: StepDiff;
  /**
   * Check mode: the paths this step may create when it would change, so that a later step
   * needing one of them (a file in a directory this step makes) is not reported as failing.
   * Absent: it may create anything (a package, a command, a user's home).
   */
  readonly makes?: readonly string[];
  /** Handlers notified when this step changes something. */
  readonly notify: readonly string[];
  /** Tags for `--tags` selection. */
  readonly tags: readonly string[];
  /** The play the step comes from (set by compilePlan; listings and reports group by it). */
  readonly play?: string;
  /** The role the step comes from (set by compilePlan). */
  readonly role?: string;
  /** The step is the point where the handlers notified so far run (`flushHandlers`): nothing of its own. */
  readonly flushHandlers?: true;
}

/** How a step's diff is obtained. */
export interface StepDiff {
  /** The file being diffed, for the diff header. */
  readonly path: string;
  /** Probe code: emits `before` (and `after` when `desired` is undefined) events. */
  readonly probe: Shell;
  /** The desired content when known at compile time; otherwise the probe emits it. */
  readonly desired?: string;
  /** Content is sensitive: the host sends nothing and the diff is masked. */
  readonly sensitive: boolean;
  /**
   * The desired content is binary (not UTF-8, or with NUL bytes), of this size: the host sends
   * only the current size, and the diff says whether and how the size changes.
   */
  readonly binary?: { readonly size: number };
  /**
   * The wanted mode, owner and group as lines (`mode 440`, `owner root`); the probe sends the
   * current ones (an `attrs` frame), so a mode or owner change shows as a diff too.
   */
  readonly attributes?: string;
  /**
   * The desired content is over the diff cap, of this many bytes: it is not carried here (a
   * large content is held once, by its payload), and the diff gives only the sizes.
   */
  readonly size?: number;
}

export type { StepStatus } from './protocol.ts';

/** A handler: a step run once at the end of a host's plan when notified. */
export interface HandlerStep extends Step {
  /** The name that `notify` refers to. */
  readonly handler: string;
}
