import { createHash } from 'node:crypto';
import { joined, PIECE_BYTES, piecesOf } from './byte-pieces.ts';
import { BosunError } from './errors.ts';
import type { LocalFileNode } from './local-files.ts';
import { DIFF_CAP_BYTES, INLINE_PAYLOAD_MAX_BYTES } from './protocol.ts';
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
 *   bytes, which are streamed on the session's stdin from where the playbook holds them (a
 *   local file is read again then, in pieces, never held whole).
 */
export interface Payload {
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
  /**
   * The content as text, when it is UTF-8 without NUL (what a shell word carries and a line diff
   * shows); else undefined. A local file over DIFF_CAP_BYTES is not read for it: undefined.
   */
  readonly text: string | undefined;
  /** The local file the bytes are read from when they are sent, when they are (for messages). */
  readonly origin?: string;
  /** The bytes in order, in pieces of at most PIECE_BYTES, without copying the whole content at once. */
  chunks(): Iterable<Uint8Array>;
}

/** A payload of text (UTF-8), bytes, or a secret text. */
export function payload(content: string | Uint8Array | Secret): Payload {
  if (content instanceof Secret) return new SourcePayload(content.reveal(), content);
  return new SourcePayload(content, undefined);
}

/**
 * The payload of a local file (`path`, for messages). A small one is read whole: the script
 * carries it. A larger one is never held: it is hashed by reading it in pieces, once, and read
 * again, in pieces, when the host asks for its bytes. The same file node gives the same payload,
 * so a file copied to many hosts is hashed once.
 */
export function filePayload(node: LocalFileNode, path: string): Payload {
  let made = fromFiles.get(node);
  if (made === undefined) {
    made = node.size <= INLINE_PAYLOAD_MAX_BYTES ? new SourcePayload(joined(node.chunks()), undefined) : new FilePayload(node, path);
    fromFiles.set(node, made);
  }
  return made;
}
const fromFiles = new WeakMap<LocalFileNode, Payload>();

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
    this.#sha256 ??= digestOf(this.chunks()).sha256;
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
    return utf8Text(source);
  }

  *chunks(): Iterable<Uint8Array> {
    const source = this.#source;
    if (typeof source !== 'string') {
      yield* piecesOf(source);
      return;
    }
    // Slices of the text, never splitting a surrogate pair: their encodings add up to the whole's.
    for (let at = 0; at < source.length; ) {
      let end = Math.min(source.length, at + PIECE_BYTES);
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

/** A local file too large to travel in the script: a data section, its bytes read from the file each time they are needed. */
class FilePayload implements Payload {
  readonly size: number;
  readonly secret = false;
  readonly inline = false;
  readonly origin: string;
  readonly #node: LocalFileNode;
  #sha256: string | undefined;

  constructor(node: LocalFileNode, path: string) {
    this.#node = node;
    this.size = node.size;
    this.origin = path;
  }

  get sha256(): string {
    if (this.#sha256 === undefined) {
      const { sha256, size } = digestOf(this.chunks());
      // The size and the sha256 the script names must be of the same bytes.
      if (size !== this.size) throw new BosunError(`changed while bosun read it (${this.size} bytes, then ${size})`, { file: this.origin });
      this.#sha256 = sha256;
    }
    return this.#sha256;
  }

  // Read for a diff only when a diff would show it.
  get text(): string | undefined {
    return this.size <= DIFF_CAP_BYTES ? utf8Text(joined(this.chunks())) : undefined;
  }

  chunks(): Iterable<Uint8Array> {
    return this.#node.chunks();
  }

  toJSON(): { sha256: string; size: number; secret: boolean } {
    return { sha256: this.sha256, size: this.size, secret: false };
  }
}

/** The sha256 (hex) and the length of bytes read in pieces. */
function digestOf(pieces: Iterable<Uint8Array>): { sha256: string; size: number } {
  const hash = createHash('sha256');
  let size = 0;
  for (const piece of pieces) {
    hash.update(piece);
    size += piece.byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Bytes as text, when they are UTF-8 without NUL; else undefined. */
function utf8Text(source: Uint8Array): string | undefined {
  const bytes = Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  if (bytes.includes(0)) return undefined;
  const decoded = bytes.toString('utf8');
  return Buffer.from(decoded, 'utf8').equals(bytes) ? decoded : undefined;
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
  // Inline content is small: read whole.
  const text = data.text;
  if (text !== undefined) return sh`printf '%s' ${text}`;
  const bytes = joined(data.chunks());
  const decoded = utf8Text(bytes);
  return decoded !== undefined ? sh`printf '%s' ${decoded}` : code(`printf '${octalEscaped(bytes)}'`);
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
