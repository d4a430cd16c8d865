/**
 * A 64-bit hash (two 32-bit multiply-xorshift lanes, as cyrb53) of text or bytes, as 16 hex
 * digits: a name for something in a script that only has to be told apart from the other
 * things of its plan (an inline payload, a path check mode remembers), cheaper than sha256
 * where a compile of a large fleet asks for it at every step.
 */
export function shortHash(source: string | Uint8Array): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const length = typeof source === 'string' ? source.length : source.byteLength;
  for (let i = 0; i < length; i += 1) {
    const unit = typeof source === 'string' ? source.charCodeAt(i) : source[i]!;
    h1 = Math.imul(h1 ^ unit, 2654435761);
    h2 = Math.imul(h2 ^ unit, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
