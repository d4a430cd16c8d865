/** Pieces that large content is read, hashed and streamed in: no more of it is held at once. */
export const PIECE_BYTES = 1 << 20;

/** Bytes in memory, in pieces of at most PIECE_BYTES (views, not copies). */
export function* piecesOf(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += PIECE_BYTES) yield bytes.subarray(at, at + PIECE_BYTES);
}

/** The pieces joined into one buffer: only for content known to be small. */
export function joined(pieces: Iterable<Uint8Array>): Buffer {
  return Buffer.concat([...pieces]);
}
