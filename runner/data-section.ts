import { createHash } from 'node:crypto';
import { PIECE_BYTES } from '../compiler/byte-pieces.ts';
import type { Payload } from '../compiler/payload.ts';
import { payloadAck, payloadRefusal } from '../compiler/protocol.ts';

/**
 * One sending of a data section the host asked for (`need`). The bytes are read again from
 * where the playbook holds them, a local file maybe, which may have changed since the compile
 * named the section by its size and sha256. The host reads exactly that size, so exactly that
 * many bytes go (cut short, or padded with zeros: the stream stays in step); they are hashed
 * on the way, and once the host says it got them, `acknowledgement` accepts them only when they
 * were the bytes the script names. Refused bytes fail the step before its file is put in place.
 */
export class SectionSending {
  readonly #data: Payload;
  #problem: string | undefined = 'was not sent';

  constructor(data: Payload) {
    this.#data = data;
  }

  /** The section's bytes, exactly its size, in pieces of at most PIECE_BYTES; read as they are sent, never held whole. */
  *pieces(): Generator<Uint8Array> {
    const { size, sha256 } = this.#data;
    const hash = createHash('sha256');
    let sent = 0;
    let problem: string | undefined;
    const source = this.#data.chunks()[Symbol.iterator]();
    try {
      while (sent < size) {
        const next = nextPiece(source);
        if (next === undefined) {
          problem = `is shorter than when the plan was compiled (${sent} of ${size} bytes)`;
          break;
        }
        if (!(next instanceof Uint8Array)) {
          problem = `could not be read again (${next.error})`;
          break;
        }
        const piece = next.subarray(0, size - sent);
        hash.update(piece);
        sent += piece.byteLength;
        yield piece;
      }
    } finally {
      source.return?.();
    }
    // The host reads `size` bytes whatever came: zeros stand in for the missing ones, refused with the rest.
    while (sent < size) {
      const zeros = Buffer.alloc(Math.min(PIECE_BYTES, size - sent));
      sent += zeros.byteLength;
      yield zeros;
    }
    if (problem === undefined && hash.digest('hex') !== sha256) {
      problem = `changed since the plan was compiled (the plan names sha256 ${sha256.slice(0, 16)}…)`;
    }
    this.#problem = problem;
  }

  /** What the runner answers the host's `got`: the acknowledgement, or a refusal saying why. */
  acknowledgement(): string {
    if (this.#problem === undefined) return payloadAck(this.#data.sha256);
    const what = this.#data.origin ?? `the content of ${this.#data.size} bytes`;
    return payloadRefusal(`${what} ${this.#problem}: refused, nothing was put in place`);
  }
}

/** The next piece of a source, undefined at its end, or why it could not be read. */
function nextPiece(source: Iterator<Uint8Array>): Uint8Array | undefined | { error: string } {
  try {
    const next = source.next();
    return next.done === true ? undefined : next.value;
  } catch (error) {
    return { error: (error as Error).message };
  }
}
