/**
 * The script ↔ runner protocol, in one place: the framed events a plan's script
 * prints on stdout, the statuses a step ends in, and the exit codes with a meaning.
 * The prelude's printf formats are generated from FRAMES below, and the runner
 * parses and validates every frame against the same table.
 */

/** The marker that starts every framed line a script prints on stdout. */
export const FRAME_PREFIX = '@@bosun ';

/** The statuses a step or handler can end in (DESIGN.md item 5). */
export const STEP_STATUSES = ['ok', 'changed', 'would-change', 'unknown', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Exit code of a check that cannot tell without writing on the host (check mode): the step is `unknown`. */
export const CANNOT_TELL = 97;
/**
 * Exit code of a check that found the step cannot be applied (a file it edits is missing, a regexp the
 * host's awk refuses): the step is `failed` in both modes, without running its apply. The check sends
 * its reason as the step's `output` first.
 */
export const CANNOT_APPLY = 98;
/** Result code of a step whose apply succeeded but whose check still fails: it did not converge. */
export const DID_NOT_CONVERGE = 125;

/** How much of a current file the host sends back for a diff. */
export const DIFF_CAP_BYTES = 65536;
/** How much of a step's apply output the host sends back (its tail). */
export const OUTPUT_CAP_BYTES = 16384;
/** How much of one part of a patch script the host sends back (its tail): an upgrade's transcript, a package list. */
export const PATCH_PART_CAP_BYTES = 1 << 20;

/**
 * Payloads (file contents) up to this size travel inside the script, defined once next to
 * their step; larger ones are data sections: the host compares them by sha256 and asks for
 * their bytes (`need`) only when a step writes them, so each byte crosses once, and only
 * when it is needed.
 */
export const INLINE_PAYLOAD_MAX_BYTES = 4096;
/** The script's descriptor for frames from anywhere (inside a check, stdout is /dev/null; inside an apply, captured). */
export const FRAME_FD = 7;
/** The script's descriptor for the data sections the runner sends on the session's stdin, after the script. */
export const DATA_FD = 8;
/**
 * What the runner sends after a data section once the host says it `got` it: the host reads
 * it back to know the section arrived whole (a short read means the session's stdin closed).
 */
export function payloadAck(sha256: string): string {
  return `ok ${sha256}\n`;
}
/**
 * What the runner sends instead when the bytes it sent are not the section the script names (the
 * local file changed since the compile): the host refuses them, printing why, and the step fails.
 */
export function payloadRefusal(why: string): string {
  return `no ${why.replace(/[\r\n]+/g, ' ')}\n`;
}

/** The type of one field of a frame: numbers are printed bare, strings inside quotes (never escaped: callers pass safe text). */
type FieldType = 'number' | 'string';

/**
 * Every event a script prints, with its fields in order. The shell prints them with
 * printf (formats from `frameFormat`); the runner checks each parsed frame against this.
 */
export const FRAMES = {
  /** Facts the script probed: package manager, init system, os/codename. */
  facts: { pkg: 'string', init: 'string', os: 'string' },
  /** A step or handler begins. */
  start: { i: 'number' },
  /** A handler an earlier run left pending is about to run first. */
  pending: { i: 'number' },
  /** How a step ended: status and code (the apply's exit code, or one of the codes above). */
  result: { i: 'number', s: 'string', rc: 'number' },
  /** The size of the current file a diff compares (its content may be capped). */
  size: { i: 'number', n: 'number' },
  /** Base64 of the current content of the file a step would change (capped). */
  before: { i: 'number', b64: 'string' },
  /** Base64 of the content a step computed on the host would write (capped). */
  after: { i: 'number', b64: 'string' },
  /** Base64 of the current mode, owner and group of the file a step would change, as `attributeLines` prints them (for a diff). */
  attrs: { i: 'number', b64: 'string' },
  /** Base64 of a step's output: its apply's tail (sent when there is any, and always when it failed), or why a check found it cannot be applied. */
  output: { i: 'number', b64: 'string' },
  /** The host asks for the bytes of data section `p` (its sha256): the runner sends them on stdin. */
  need: { p: 'string' },
  /** The host read data section `p`: the runner acknowledges it on stdin (`payloadAck`), or refuses it (`payloadRefusal`). */
  got: { p: 'string' },
  /** The script reached its end: a session without it failed, whatever its exit code. */
  end: {},
  /**
   * Patching (compiler/patch/): one named part of what a patch script read or did (PATCH_PARTS),
   * the exit code of the command that produced it, and base64 of its text (capped).
   */
  patch: { part: 'string', rc: 'number', b64: 'string' },
} as const satisfies Record<string, Record<string, FieldType>>;

export type FrameKind = keyof typeof FRAMES;

type FieldValue<T> = T extends 'number' ? number : string;
type FrameOf<K extends FrameKind> = { readonly t: K } & { readonly [F in keyof (typeof FRAMES)[K]]: FieldValue<(typeof FRAMES)[K][F]> };

/** One parsed event (a result's status is one of STEP_STATUSES: parseFrame checks it). */
export type FrameEvent = { [K in Exclude<FrameKind, 'result'>]: FrameOf<K> }[Exclude<FrameKind, 'result'>] | ResultFrame;
type ResultFrame = Omit<FrameOf<'result'>, 's'> & { readonly s: StepStatus };

/**
 * The printf format of one frame, for the prelude: `@@bosun {"t":"result","i":%s,"s":"%s","rc":%s}\n`
 * (backslash-n as two characters, for a single-quoted shell string).
 */
export function frameFormat(kind: FrameKind): string {
  return format(`"${kind}"`, kind);
}

/**
 * The printf format shared by the data frames (before, after, output), whose kind is the
 * first argument: `@@bosun {"t":"%s","i":%s,"b64":"%s"}\n`.
 */
export function dataFrameFormat(): string {
  return format('"%s"', 'output');
}

function format(kind: string, shape: FrameKind): string {
  const fields = Object.entries(FRAMES[shape]).map(([name, type]) => (type === 'number' ? `,"${name}":%s` : `,"${name}":"%s"`));
  return `${FRAME_PREFIX}{"t":${kind}${fields.join('')}}\\n`;
}

/** A line that starts like a frame but breaks the protocol: the script and the runner disagree. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/**
 * Parses a stdout line: a framed event, or undefined for a line that is not a frame (log output).
 * A frame whose kind or fields do not match the protocol throws a ProtocolError: a status the
 * runner does not know is never passed on as if it were one.
 */
export function parseFrame(line: string): FrameEvent | undefined {
  if (!line.startsWith(FRAME_PREFIX)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.slice(FRAME_PREFIX.length));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const event = parsed as Record<string, unknown>;
  if (typeof event.t !== 'string') return undefined;
  if (!Object.hasOwn(FRAMES, event.t)) throw new ProtocolError(`unknown frame kind ${JSON.stringify(event.t)}: ${line}`);
  const fields: Record<string, FieldType> = FRAMES[event.t as FrameKind];
  for (const [name, type] of Object.entries(fields)) {
    const value = event[name];
    const valid = type === 'number' ? typeof value === 'number' && Number.isInteger(value) && value >= 0 : typeof value === 'string';
    if (!valid) throw new ProtocolError(`frame ${event.t}: field ${name} must be a ${type}: ${line}`);
  }
  if (event.t === 'result' && !(STEP_STATUSES as readonly unknown[]).includes(event.s)) {
    throw new ProtocolError(`frame result: unknown status ${JSON.stringify(event.s)}: ${line}`);
  }
  return event as FrameEvent;
}

/** Decodes the base64 of a data frame (before, after, output) as UTF-8. */
export function decodeData(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}
