import { createHash } from 'node:crypto';
import { Secret } from './secret.ts';
import { code, sh, type Shell } from './shell.ts';

/**
 * Bytes a step needs on the host: a file's content, a copied file, a key. Resources never
 * put content into shell code themselves; they ask for it through `payloadOut` and
 * `payloadMatches`, so how content travels to the host (inline today) is decided here,
 * in one place, for every resource at once.
 */
export interface Payload {
  /** The bytes, exactly. */
  readonly bytes: Uint8Array;
  /** sha256 of the bytes, hex. */
  readonly sha256: string;
  /** The bytes are secret: they are masked wherever a script or a diff is printed. */
  readonly secret: boolean;
  /** The same bytes as a Secret, when secret (what the renderer masks). */
  readonly masked?: Secret;
}

/** A payload of text (UTF-8), bytes, or a secret text. */
export function payload(content: string | Uint8Array | Secret): Payload {
  if (content instanceof Secret) {
    const bytes = Buffer.from(content.reveal(), 'utf8');
    return { bytes, sha256: sha256(bytes), secret: true, masked: content };
  }
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { bytes, sha256: sha256(bytes), secret: false };
}

/** Shell code that writes the payload's bytes, and nothing else, to stdout. */
export function payloadOut(data: Payload): Shell {
  if (data.masked !== undefined) return sh`printf '%s' ${data.masked}`;
  const bytes = Buffer.from(data.bytes);
  if (bytes.length === 0) return code(':');
  // Text a shell word can carry goes as one quoted value; other bytes (NUL, invalid UTF-8)
  // as octal escapes of printf's format, which POSIX printf decodes on every host.
  if (!bytes.includes(0) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) {
    return sh`printf '%s' ${bytes.toString('utf8')}`;
  }
  return code(`printf '${octalEscaped(bytes)}'`);
}

/** A test (exit 0 when true) that `path` is a file holding exactly the payload's bytes. */
export function payloadMatches(data: Payload, path: string): Shell {
  return sh`${payloadOut(data)} | cmp -s - ${path}`;
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

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
