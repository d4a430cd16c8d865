import type { Mode } from '../../compiler/plan.ts';
import { maskSecrets } from '../../compiler/secret.ts';
import { decodeData } from '../../compiler/protocol.ts';
import type { PatchScript } from '../../compiler/patch/patch-script.ts';
import { isPatchPart, type PatchPart } from '../../compiler/patch/parts.ts';
import type { PartText } from '../../compiler/patch/host-scan.ts';
import { runFramedSession, type SessionFacts, type SessionFrame, sessionFailure } from '../framed-session.ts';
import type { Transport } from '../transport.ts';

/** One part a patch script sent, in the order sent. */
export interface SentPart extends PartText {
  readonly part: PatchPart;
}

/** What one patch session brought back. */
export interface PatchSession {
  readonly facts?: SessionFacts;
  readonly parts: readonly SentPart[];
  /** The script reached its end frame. */
  readonly ended: boolean;
  /** The host could not be reached at all. */
  readonly unreachable: boolean;
  /** Why the session failed, in words (secrets masked), when it did not end. */
  readonly failure?: string;
  readonly durationMs: number;
}

export interface PatchSessionOptions {
  readonly mode: Mode;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** Log output (stderr, unframed stdout), secrets masked. */
  readonly onLog?: (text: string) => void;
}

/**
 * Runs one patch script through a host's transport, in one session, and collects what it
 * sent: the facts frame, its named parts, and whether it reached its end. The same framed
 * protocol as plans, read the same way (runner/framed-session.ts); a frame that breaks it, or
 * any frame but a patch part, fails the session.
 */
export async function runPatchSession(script: PatchScript, transport: Transport, options: PatchSessionOptions): Promise<PatchSession> {
  const started = Date.now();
  const parts: SentPart[] = [];
  const mask = (text: string): string => maskSecrets(text, script.secrets);
  const onFrame = (event: SessionFrame): string | undefined => {
    if (event.t !== 'patch') return `a patch script sent a ${event.t} frame`;
    if (!isPatchPart(event.part)) return `unknown patch part ${JSON.stringify(event.part)}`;
    parts.push({ part: event.part, rc: event.rc, text: mask(decodeData(event.b64)) });
    return undefined;
  };
  const session = await runFramedSession(transport, {
    script: script.script,
    mode: options.mode,
    onFrame,
    onLog: (text) => options.onLog?.(mask(text)),
    ...(options.signal && { signal: options.signal }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  const { facts, ended } = session;
  const base = { ...(facts && { facts }), parts, ended, unreachable: false, durationMs: Date.now() - started };
  // A script that reached its end frame is done, whatever its transport says after.
  if (ended && session.broken === undefined) return base;
  const failure = sessionFailure(session, options, mask)!;
  return { ...base, ended: false, unreachable: failure.unreachable, failure: failure.reason };
}

/** The last part of each name, as readHostScan takes them. */
export function lastParts(parts: readonly SentPart[]): Map<PatchPart, PartText> {
  return new Map(parts.map((part) => [part.part, { rc: part.rc, text: part.text }]));
}
