import { bootIdScript, rebootScript } from '../../compiler/patch/apply-scripts.ts';
import { type HostScan, kernelState } from '../../compiler/patch/host-scan.ts';
import type { Transport } from '../transport.ts';
import { runPatchSession } from './patch-session.ts';

/** How a reboot went: the boot ids either side and how long the host took to come back. */
export type RebootOutcome =
  | {
      readonly ok: true;
      readonly bootIdBefore: string;
      readonly bootIdAfter: string;
      readonly durationMs: number;
      /** The kernels as the new boot reports them. */
      readonly kernel?: HostScan['kernel'];
    }
  | { readonly ok: false; readonly reason: string; readonly bootIdBefore?: string; readonly durationMs: number };

export interface RebootOptions {
  /** A fresh transport to the host: each attempt to reach it is a session of its own. */
  readonly connect: () => Transport;
  /** How long the host may take to come back with a new boot id. */
  readonly timeoutMs: number;
  /** Pause between attempts to reach it (default 1 s). */
  readonly pollMs?: number;
  /** Each attempt's own limit (default 20 s): a half-up host must not hold the wait. */
  readonly attemptTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The clock (tests inject one). */
  readonly now?: () => number;
}

/**
 * Reboots a host and waits for it: the reboot script sends the boot id and asks for the
 * reboot; then the host is asked for its boot id, one short session at a time, until it
 * answers with a different one (a host that still answers with the old id has not gone
 * down yet) or the time is up.
 */
export async function rebootAndWait(options: RebootOptions): Promise<RebootOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const elapsed = (): number => now() - started;
  const first = options.connect();
  let bootIdBefore: string | undefined;
  try {
    const session = await runPatchSession(rebootScript(), first, {
      mode: 'apply',
      timeoutMs: options.attemptTimeoutMs ?? 20_000,
      ...(options.signal && { signal: options.signal }),
    });
    bootIdBefore = session.parts.find((part) => part.part === 'boot-id' && part.rc === 0)?.text.trim();
    const asked = session.parts.find((part) => part.part === 'rebooting');
    if (bootIdBefore === undefined || bootIdBefore === '') {
      return {
        ok: false,
        reason: `could not read the boot id before rebooting: ${session.failure ?? 'no boot id sent'}`,
        durationMs: elapsed(),
      };
    }
    // The session may die as the host goes down: what counts is that the reboot was asked for.
    if (asked === undefined)
      return { ok: false, reason: `the reboot was not started: ${session.failure ?? 'no answer'}`, bootIdBefore, durationMs: elapsed() };
    if (asked.rc !== 0)
      return { ok: false, reason: `the reboot was refused (exit ${asked.rc}): ${asked.text.trim()}`, bootIdBefore, durationMs: elapsed() };
  } finally {
    // The SSH master of the old boot is gone with it: end it here so the next session makes a new one.
    await first.close?.();
  }
  let last = 'no answer yet';
  while (elapsed() < options.timeoutMs) {
    if (options.signal?.aborted === true)
      return { ok: false, reason: 'interrupted while waiting for the host to come back', bootIdBefore, durationMs: elapsed() };
    const transport = options.connect();
    try {
      const session = await runPatchSession(bootIdScript(), transport, {
        mode: 'check',
        timeoutMs: Math.max(1000, Math.min(options.attemptTimeoutMs ?? 20_000, options.timeoutMs - elapsed())),
        ...(options.signal && { signal: options.signal }),
      });
      const bootId = session.parts.find((part) => part.part === 'boot-id' && part.rc === 0)?.text.trim();
      if (session.ended && bootId !== undefined && bootId !== '' && bootId !== bootIdBefore) {
        const kernel = session.parts.find((part) => part.part === 'kernel' && part.rc === 0);
        return { ok: true, bootIdBefore, bootIdAfter: bootId, durationMs: elapsed(), ...(kernel && { kernel: kernelState(kernel.text) }) };
      }
      last = session.ended ? 'it answered with the boot id it had before the reboot' : (session.failure ?? 'no answer');
    } finally {
      await transport.close?.();
    }
    await pause(options.pollMs ?? 1000, options.signal);
  }
  return {
    ok: false,
    reason: `the host did not come back with a new boot within ${Math.round(options.timeoutMs / 1000)} s (last: ${last})`,
    bootIdBefore,
    durationMs: elapsed(),
  };
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
