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
  const secrets: string[] = [];
  const payloads: Payload[] = [];
  values.forEach((value, index) => {
    text += render(value, secrets, payloads) + (strings[index + 1] ?? '');
  });
  return withPayloads({ text, secrets }, payloads);
}

function render(value: ShellValue, secrets: string[], payloads: Payload[]): string {
  if (isShell(value)) {
    secrets.push(...value.secrets);
    if (value.payloads !== undefined) payloads.push(...value.payloads);
    return value.text;
  }
  if (Array.isArray(value)) return value.map((item) => render(item, secrets, payloads)).join(' ');
  if (value instanceof Secret) {
    secrets.push(...value.maskedForms());
    return quote(value.reveal(), 'secret');
  }
  return quote(String(value));
}

/** Literal shell code written by bosun's own authors (never user input). */
export function code(text: string): Shell {
  return { text, secrets: [] };
}

/** Joins pieces of code, one per line. */
export function lines(...pieces: readonly (Shell | undefined)[]): Shell {
  return join(pieces, '\n');
}

/** Joins pieces of code with a separator (a space by default), dropping absent ones. */
export function join(pieces: readonly (Shell | undefined)[], separator = ' '): Shell {
  const present = pieces.filter((piece): piece is Shell => piece !== undefined);
  return withPayloads(
    { text: present.map((piece) => piece.text).join(separator), secrets: present.flatMap((piece) => piece.secrets) },
    present.flatMap((piece) => piece.payloads ?? []),
  );
}

/** The code with these payloads attached (no field at all when there are none, so plans without content look as before). */
export function withPayloads(shell: Shell, payloads: readonly Payload[]): Shell {
  if (payloads.length === 0) return shell;
  return { ...shell, payloads: [...new Set(payloads)] };
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
