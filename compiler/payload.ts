import { createHash } from 'node:crypto';
import { INLINE_PAYLOAD_MAX_BYTES } from './protocol.ts';
import { Secret } from './secret.ts';
import { shortHash } from './short-hash.ts';
import { code, lines, sh, type Shell, withPayloads } from './shell.ts';

/**
 * Bytes a step needs on the host: a file's content, a copied file, a key. Resources never
 * put content into shell code themselves; they ask for it through `payloadOut` and
 * `payloadMatches`, so how content travels to the host is decided here, in one place, for
 * every resource at once:
 *
 * - small content (up to INLINE_PAYLOAD_MAX_BYTES) is defined once in the script, beside its
 *   step, as a function that prints it (a secret stays a quoted, masked value where it is used);
 * - larger content is a data section: the script names it by sha256 and size, a check compares
 *   the host's file by its checksum, and only a step that writes it asks the runner for its
 *   bytes, which are streamed on the session's stdin from where the playbook holds them.
 */
export interface Payload {
  /** The bytes, exactly. Built on each read from the source: large content is better read through `chunks`. */
  readonly bytes: Uint8Array;
  /** How many bytes. */
  readonly size: number;
  /** sha256 of the bytes, hex. */
  readonly sha256: string;
  /** The bytes are secret: they are masked wherever a script or a diff is printed. */
  readonly secret: boolean;
  /** The same bytes as a Secret, when secret (what the renderer masks). */
  readonly masked?: Secret;
  /** Whether the bytes travel inside the script (else as a data section the host asks for). */
  readonly inline: boolean;
  /** The content as text, when it is UTF-8 without NUL (what a shell word carries and a line diff shows); else undefined. */
  readonly text: string | undefined;
  /** The bytes in order, in pieces of at most a mebibyte, without copying the whole content at once. */
  chunks(): Iterable<Uint8Array>;
}

/** Pieces a large payload is hashed and streamed in. */
const CHUNK = 1 << 20;

/** A payload of text (UTF-8), bytes, or a secret text. */
export function payload(content: string | Uint8Array | Secret): Payload {
  if (content instanceof Secret) return new SourcePayload(content.reveal(), content);
  return new SourcePayload(content, undefined);
}

class SourcePayload implements Payload {
  readonly size: number;
  readonly secret: boolean;
  readonly masked?: Secret;
  readonly inline: boolean;
  readonly #source: string | Uint8Array;
  #sha256: string | undefined;

  constructor(source: string | Uint8Array, masked: Secret | undefined) {
    this.#source = source;
    this.size = typeof source === 'string' ? Buffer.byteLength(source, 'utf8') : source.byteLength;
    this.secret = masked !== undefined;
    if (masked !== undefined) this.masked = masked;
    // A secret never becomes a data section: its checksum would be in the printed script, an oracle for it.
    this.inline = this.secret || this.size <= INLINE_PAYLOAD_MAX_BYTES;
  }

  // Hashed on first use: a compile of many hosts names its small payloads by a cheaper hash (`inlineName`).
  get sha256(): string {
    if (this.#sha256 === undefined) {
      const hash = createHash('sha256');
      for (const chunk of this.chunks()) hash.update(chunk);
      this.#sha256 = hash.digest('hex');
    }
    return this.#sha256;
  }

  /** The content's short hash: names an inline payload in the script, where it only has to be told apart from the few beside its step. */
  get shortName(): string {
    this.#shortName ??= shortHash(this.#source);
    return this.#shortName;
  }
  #shortName: string | undefined;

  /** The content as text, when it is text a shell word can carry (no NUL, no lone surrogate); else undefined. */
  get text(): string | undefined {
    const source = this.#source;
    if (typeof source === 'string')
      return !source.includes('\0') && (source as string & { isWellFormed(): boolean }).isWellFormed() ? source : undefined;
    const bytes = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    if (bytes.includes(0)) return undefined;
    const decoded = bytes.toString('utf8');
    return Buffer.from(decoded, 'utf8').equals(bytes) ? decoded : undefined;
  }

  get bytes(): Uint8Array {
    return typeof this.#source === 'string' ? Buffer.from(this.#source, 'utf8') : this.#source;
  }

  *chunks(): Iterable<Uint8Array> {
    const source = this.#source;
    if (typeof source !== 'string') {
      for (let at = 0; at < source.byteLength; at += CHUNK) yield source.subarray(at, at + CHUNK);
      return;
    }
    // Slices of the text, never splitting a surrogate pair: their encodings add up to the whole's.
    for (let at = 0; at < source.length; ) {
      let end = Math.min(source.length, at + CHUNK);
      const last = source.charCodeAt(end - 1);
      if (end < source.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
      yield Buffer.from(source.slice(at, end), 'utf8');
      at = end;
    }
  }

  /** What a plan's JSON shows of it: never the content. */
  toJSON(): { sha256: string; size: number; secret: boolean } {
    return { sha256: this.secret ? '' : this.sha256, size: this.size, secret: this.secret };
  }
}

/** Shell code that writes the payload's bytes, and nothing else, to stdout. */
export function payloadOut(data: Payload): Shell {
  if (data.masked !== undefined) return sh`printf '%s' ${data.masked}`;
  if (data.size === 0) return code(':');
  if (data.inline) return withPayloads(code(inlineName(data)), [data]);
  return withPayloads(code(`_bosun_payload ${data.sha256} ${data.size}`), [data]);
}

/**
 * A test (exit 0 when true) that `path` is a file holding exactly the payload's bytes. A data
 * section is compared by size and sha256 on the host; its bytes are fetched only where the host
 * has no sha256sum.
 */
export function payloadMatches(data: Payload, path: string): Shell {
  if (data.inline) return sh`${payloadOut(data)} | cmp -s - ${path}`;
  return withPayloads(sh`_bosun_matches ${data.sha256} ${data.size} ${path}`, [data]);
}

/**
 * The definitions the script needs for these payloads before code that uses them runs:
 * one function per inline payload that is not a secret, printing its bytes. The renderer
 * emits them beside their step (and removes them after it, see `forgetPayloads`).
 */
export function definePayloads(payloads: readonly Payload[]): Shell {
  return lines(...inlineOnes(payloads).map((data) => sh`${code(inlineName(data))}() { ${inlineBytes(data)}; }`));
}

/** Removes the definitions `definePayloads` made, so the host's shell holds no more than one step's content. */
export function forgetPayloads(payloads: readonly Payload[]): Shell | undefined {
  const names = inlineOnes(payloads).map(inlineName);
  return names.length === 0 ? undefined : code(`unset -f ${names.join(' ')}`);
}

/**
 * `definePayloads` and `forgetPayloads` of one step as plain text (what the renderer uses, once
 * per step of every host); undefined when the step has no inline content to define.
 */
export function inlineDefinitions(payloads: readonly Payload[]): { define: string; forget: string } | undefined {
  const inline = inlineOnes(payloads);
  if (inline.length === 0) return undefined;
  return { define: definePayloads(inline).text, forget: forgetPayloads(inline)!.text };
}

/** The payloads of some code that travel as data sections, by sha256 (what the runner answers `need` with). */
export function dataSections(payloads: readonly Payload[]): Payload[] {
  return distinct(payloads.filter((data) => !data.inline));
}

function inlineOnes(payloads: readonly Payload[]): Payload[] {
  return distinct(
    payloads.filter((data) => data.inline && data.masked === undefined && data.size > 0),
    inlineName,
  );
}

function distinct(payloads: readonly Payload[], key: (data: Payload) => string = (data) => data.sha256): Payload[] {
  if (payloads.length < 2) return [...payloads];
  const seen = new Map<string, Payload>();
  for (const data of payloads) if (!seen.has(key(data))) seen.set(key(data), data);
  return [...seen.values()];
}

function inlineName(data: Payload): string {
  return `_bosun_p_${data instanceof SourcePayload ? data.shortName : data.sha256.slice(0, 16)}`;
}

/** printf of the bytes: text a shell word can carry as one quoted value, other bytes (NUL, invalid UTF-8) as printf's octal escapes. */
function inlineBytes(data: Payload): Shell {
  const text = data instanceof SourcePayload ? data.text : undefined;
  if (text !== undefined) return sh`printf '%s' ${text}`;
  const bytes = Buffer.from(data.bytes);
  if (!bytes.includes(0) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) {
    return sh`printf '%s' ${bytes.toString('utf8')}`;
  }
  return code(`printf '${octalEscaped(bytes)}'`);
}

function octalEscaped(bytes: Buffer): string {
  let out = '';
  for (const [index, byte] of bytes.entries()) {
    // Printable ASCII except the three characters printf's format or the quotes give meaning,
    // and a leading '-', which printf would read as an option.
    const special = byte === 0x25 || byte === 0x27 || byte === 0x5c || (index === 0 && byte === 0x2d);
    const plain = byte >= 0x20 && byte < 0x7f && !special;
    out += plain ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}
