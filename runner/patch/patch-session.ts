import type { Mode } from '../../compiler/plan.ts';
import { maskSecrets } from '../../compiler/secret.ts';
import { decodeData, type FrameEvent, ProtocolError, parseFrame } from '../../compiler/protocol.ts';
import type { PatchScript } from '../../compiler/patch/patch-script.ts';
import { isPatchPart, type PatchPart } from '../../compiler/patch/parts.ts';
import type { PartText } from '../../compiler/patch/host-scan.ts';
import type { Transport } from '../transport.ts';

/** One part a patch script sent, in the order sent. */
export interface SentPart extends PartText {
  readonly part: PatchPart;
}

/** What one patch session brought back. */
export interface PatchSession {
  readonly facts?: { readonly pkg: string; readonly init: string; readonly os: string };
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
 * protocol as plans (compiler/protocol.ts); a frame that breaks it fails the session.
 */
export async function runPatchSession(script: PatchScript, transport: Transport, options: PatchSessionOptions): Promise<PatchSession> {
  const started = Date.now();
  const parts: SentPart[] = [];
  let facts: PatchSession['facts'];
  let ended = false;
  let broken: string | undefined;
  const mask = (text: string): string => maskSecrets(text, script.secrets);
  const onLine = (line: string): void => {
    let event: FrameEvent | undefined;
    try {
      event = parseFrame(line);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      broken ??= error.message;
      return;
    }
    if (event === undefined) {
      options.onLog?.(mask(`${line}\n`));
      return;
    }
    if (event.t === 'facts') facts = { pkg: event.pkg, init: event.init, os: event.os };
    else if (event.t === 'end') ended = true;
    else if (event.t === 'patch') {
      if (!isPatchPart(event.part)) broken ??= `unknown patch part ${JSON.stringify(event.part)}`;
      else parts.push({ part: event.part, rc: event.rc, text: mask(decodeData(event.b64)) });
    } else broken ??= `a patch script sent a ${event.t} frame`;
  };
  const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
  const signals = [options.signal, timeout].filter((signal): signal is AbortSignal => signal !== undefined);
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  const outcome = await transport.run({
    script: script.script,
    mode: options.mode,
    onLine,
    onStderr: (text) => options.onLog?.(mask(text)),
    ...(signal && { signal }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  const base = { ...(facts && { facts }), parts, ended, unreachable: false, durationMs: Date.now() - started };
  if (broken !== undefined) return { ...base, ended: false, failure: mask(`protocol error: ${broken}`) };
  if (ended) return base;
  if (timeout?.aborted === true) return { ...base, failure: `timed out after ${options.timeoutMs! / 1000} s; session ended` };
  if (options.signal?.aborted === true) {
    const by = typeof options.signal.reason === 'string' ? ` by ${options.signal.reason}` : '';
    return { ...base, failure: `interrupted${by}; session ended` };
  }
  if (outcome.unreachable) return { ...base, unreachable: true, failure: mask(outcome.reason ?? outcome.stderr.trim()) };
  const why =
    outcome.reason ??
    (outcome.stderr.trim().split('\n').slice(-3).join('\n') || `the script stopped early (exit code ${String(outcome.exitCode)})`);
  return { ...base, failure: mask(why) };
}

/** The last part of each name, as readHostScan takes them. */
export function lastParts(parts: readonly SentPart[]): Map<PatchPart, PartText> {
  return new Map(parts.map((part) => [part.part, { rc: part.rc, text: part.text }]));
}
