/** The marker that starts every result line a script prints on stdout. */
export const FRAME_PREFIX = '@@bosun ';

/** One event a script reports (see compiler/prelude.ts). */
export type FrameEvent =
  | { readonly t: 'facts'; readonly pkg: string; readonly init: string; readonly os: string }
  | { readonly t: 'start'; readonly i: number }
  | { readonly t: 'result'; readonly i: number; readonly s: string; readonly rc: number }
  | { readonly t: 'pending'; readonly i: number }
  | { readonly t: 'size'; readonly i: number; readonly n: number }
  | { readonly t: 'before' | 'after' | 'output'; readonly i: number; readonly b64: string }
  | { readonly t: 'end' };

/** Parses a stdout line: a framed event, or undefined for ordinary output. */
export function parseFrame(line: string): FrameEvent | undefined {
  if (!line.startsWith(FRAME_PREFIX)) return undefined;
  try {
    const event = JSON.parse(line.slice(FRAME_PREFIX.length)) as FrameEvent;
    return typeof event === 'object' && event !== null && typeof event.t === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}

export function decodeData(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}
