import type { Payload } from './payload.ts';
import { quote } from './quote.ts';
import { Secret } from './secret.ts';

/**
 * A piece of shell code. Made only by the `sh` tagged template (which quotes every
 * interpolated value) or by `code` (for literal code written in bosun itself), never
 * by gluing strings. It remembers the secrets it carries so printers can mask them.
 */
export interface Shell {
  readonly text: string;
  readonly secrets: readonly string[];
  /**
   * The payloads (file contents) this code refers to: the renderer defines the inline ones
   * next to the step and the runner streams the others when the host asks (compiler/payload.ts).
   */
  readonly payloads?: readonly Payload[];
}

/** What may be interpolated into `sh`: values are quoted, Shell pieces are spliced as code. */
export type ShellValue = string | number | Secret | Shell | readonly (string | number | Secret)[];

function isShell(value: unknown): value is Shell {
  return typeof value === 'object' && value !== null && 'text' in value && 'secrets' in value;
}

/**
 * Tagged template for shell code: `sh\`test -f ${path}\`` quotes `path`. Arrays
 * become several quoted words. A `Shell` value is spliced in unquoted (it is code).
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): Shell {
  let text = strings[0] ?? '';
  // Most code carries no secret and no payload: their lists are made only when one turns up.
  const carried: Carried = { secrets: undefined, payloads: undefined };
  for (let index = 0; index < values.length; index += 1) {
    text += render(values[index]!, carried) + (strings[index + 1] ?? '');
  }
  return shellOf(text, carried);
}

interface Carried {
  secrets: string[] | undefined;
  payloads: Payload[] | undefined;
}

const NONE: readonly string[] = Object.freeze([]);

// Every Shell has the same three fields (payloads often undefined): one object shape keeps property reads fast.
function shellOf(text: string, carried: Carried): Shell {
  return { text, secrets: carried.secrets ?? NONE, payloads: carried.payloads };
}

function carry(carried: Carried, piece: Shell): void {
  if (piece.secrets.length > 0) carried.secrets = [...(carried.secrets ?? []), ...piece.secrets];
  if (piece.payloads !== undefined && piece.payloads.length > 0) carried.payloads = [...(carried.payloads ?? []), ...piece.payloads];
}

function render(value: ShellValue, carried: Carried): string {
  if (typeof value === 'string') return quote(value);
  if (isShell(value)) {
    carry(carried, value);
    return value.text;
  }
  if (Array.isArray(value)) return value.map((item) => render(item, carried)).join(' ');
  if (value instanceof Secret) {
    carried.secrets = [...(carried.secrets ?? []), ...value.maskedForms()];
    return quote(value.reveal(), 'secret');
  }
  return quote(String(value));
}

/** Literal shell code written by bosun's own authors (never user input). */
export function code(text: string): Shell {
  return { text, secrets: NONE, payloads: undefined };
}

/** Joins pieces of code, one per line. */
export function lines(...pieces: readonly (Shell | undefined)[]): Shell {
  return join(pieces, '\n');
}

/** Joins pieces of code with a separator (a space by default), dropping absent ones. */
export function join(pieces: readonly (Shell | undefined)[], separator = ' '): Shell {
  let text = '';
  let first = true;
  const carried: Carried = { secrets: undefined, payloads: undefined };
  for (const piece of pieces) {
    if (piece === undefined) continue;
    text = first ? piece.text : text + separator + piece.text;
    first = false;
    carry(carried, piece);
  }
  return shellOf(text, carried);
}

/** The code with these payloads attached. */
export function withPayloads(shell: Shell, payloads: readonly Payload[]): Shell {
  if (payloads.length === 0) return shell;
  return { text: shell.text, secrets: shell.secrets, payloads: [...(shell.payloads ?? []), ...payloads] };
}

/** Succeeds when every test does (`:` for none); each test is grouped in braces. */
export function allOf(tests: readonly Shell[]): Shell {
  return tests.length === 0
    ? code(':')
    : join(
        tests.map((test) => sh`{ ${test}; }`),
        ' && ',
      );
}

/** Succeeds when any test does; each test is grouped in braces. */
export function anyOf(tests: readonly Shell[]): Shell {
  return join(
    tests.map((test) => sh`{ ${test}; }`),
    ' || ',
  );
}
