import type { Mode, Plan } from '../compiler/plan.ts';
import type { RenderedPlan } from '../compiler/render.ts';
import { maskSecrets } from '../compiler/secret.ts';
import { DID_NOT_CONVERGE, DIFF_CAP_BYTES, decodeData } from '../compiler/protocol.ts';
import type { HandlerStep, Step, StepStatus } from '../compiler/step.ts';
import { SectionSending } from './data-section.ts';
import { renderDiff, type DiffEvidence } from './diff.ts';
import { runFramedSession, type SessionFrame, sessionFailure } from './framed-session.ts';
import type { HostResult, HostStatus, StepResult } from './results.ts';
import type { SessionInput, Transport } from './transport.ts';

export interface RunHostOptions {
  readonly mode: Mode;
  /** Interrupts the run (Ctrl-C): the session is ended, on the host too. Its `reason` says why. */
  readonly signal?: AbortSignal;
  /** The per-host time limit: past it the session is ended, on the host too. */
  readonly timeoutMs?: number;
  /** Called as each step finishes, for live output. */
  readonly onStep?: (result: StepResult) => void;
  /**
   * Called with log output as it comes, whole lines, secrets masked: the session's stderr (which
   * carries a live copy of each apply's output) and unframed stdout.
   */
  readonly onLog?: (text: string) => void;
}

/**
 * Runs one host's rendered plan through its transport (one session) and turns the
 * framed events into a HostResult. A session that ends without the final `end`
 * event failed, whatever its exit code.
 */
export async function runHost(plan: Plan, rendered: RenderedPlan, transport: Transport, options: RunHostOptions): Promise<HostResult> {
  const started = Date.now();
  const all: readonly Step[] = [...plan.steps, ...plan.handlers];
  const results: StepResult[] = [];
  const startedAt = new Map<number, number>();
  const evidence = new Map<number, DiffEvidence>();
  const outputs = new Map<number, string>();
  const pending = new Set<number>();
  // The data sections the script asks for, sent one after the other, in the order asked.
  const sections = new Map<string, SectionSending>();
  let input: SessionInput | undefined;
  let sending: Promise<void> = Promise.resolve();
  const send = (pieces: () => Iterable<Uint8Array | string>): void => {
    const channel = input;
    if (channel === undefined) return;
    sending = sending.then(async () => {
      for (const piece of pieces()) await channel.write(piece);
    });
  };
  const mask = (text: string): string => maskSecrets(text, rendered.secrets);
  // Log arrives in chunks and is passed on in whole lines, so that no secret is split past the mask; a
  // secret of several lines is masked line by line too, as its lines arrive one at a time.
  const lineSecrets = [
    ...rendered.secrets,
    ...rendered.secrets.flatMap((value) => (value.includes('\n') ? value.split('\n') : [])).filter((line) => line.trim() !== ''),
  ];
  let logPending = '';
  const log = (text: string, flush = false): void => {
    if (options.onLog === undefined) return;
    logPending += text;
    const end = flush ? logPending.length : logPending.lastIndexOf('\n') + 1;
    if (end === 0) return;
    options.onLog(maskSecrets(logPending.slice(0, end), lineSecrets));
    logPending = logPending.slice(end);
  };

  const onFrame = (event: SessionFrame, line: string): string | undefined => {
    switch (event.t) {
      case 'start':
        startedAt.set(event.i, Date.now());
        break;
      case 'pending':
        pending.add(event.i);
        break;
      case 'size':
        evidence.set(event.i, { ...evidence.get(event.i), size: Number(event.n) });
        break;
      case 'before':
      case 'after':
      case 'attrs':
        evidence.set(event.i, { ...evidence.get(event.i), [event.t]: decodeData(event.b64) });
        break;
      case 'output':
        outputs.set(event.i, mask(decodeData(event.b64)));
        break;
      case 'result': {
        const step = all[event.i];
        if (step === undefined) break;
        const result = stepResult(step, event.i, event.s, event.rc, Date.now() - (startedAt.get(event.i) ?? Date.now()));
        results.push(result);
        options.onStep?.(result);
        break;
      }
      case 'need': {
        const data = rendered.payloads.get(event.p);
        // Only what this host's own script names: anything else is the protocol broken.
        if (data === undefined) return `the script asked for content it does not name: ${line}`;
        const sending = new SectionSending(data);
        sections.set(event.p, sending);
        send(() => sending.pieces());
        break;
      }
      case 'got': {
        const sending = sections.get(event.p);
        if (sending === undefined) return `the script says it got content it did not ask for: ${line}`;
        // Decided once the pieces before it have all gone.
        send(() => [sending.acknowledgement()]);
        break;
      }
    }
    return undefined;
  };

  const stepResult = (step: Step, index: number, status: StepStatus, rc: number, durationMs: number): StepResult => {
    const handler = (step as Partial<HandlerStep>).handler;
    const diff =
      status === 'would-change' && step.diff
        ? renderDiff(step.diff, evidence.get(index) ?? {}, rendered.secrets, DIFF_CAP_BYTES)
        : undefined;
    const output = outputs.get(index);
    // A handler run first (pending) and again at the end has one index: each result takes its own output.
    outputs.delete(index);
    // Only the first result of a recalled handler is its pending run; a later one was notified anew.
    const fromEarlierRun = pending.delete(index);
    return {
      index,
      name: step.name,
      resource: step.resource,
      ...(step.play !== undefined && { play: step.play }),
      ...(step.role !== undefined && { role: step.role }),
      status,
      ...(handler !== undefined && { handler }),
      ...(fromEarlierRun && { pendingFromEarlierRun: true }),
      ...(status === 'failed'
        ? { rc, output: output ?? (rc === DID_NOT_CONVERGE ? 'applied, but the check still fails: the step did not converge' : '') }
        : output !== undefined && { output }),
      ...(diff !== undefined && { diff }),
      durationMs,
    };
  };

  const session = await runFramedSession(transport, {
    script: rendered.script,
    mode: options.mode,
    onFrame,
    onLog: (text) => log(text),
    onInput: (channel) => {
      input = channel;
    },
    ...(options.signal && { signal: options.signal }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  await sending.catch(() => undefined);
  log('', true);
  const { facts } = session;
  const base = { host: plan.host, steps: results, durationMs: Date.now() - started, planHash: rendered.digest, ...(facts && { facts }) };
  const failure = sessionFailure(session, options, mask);
  if (failure !== undefined) return { ...base, status: failure.unreachable ? 'unreachable' : 'failed', reason: failure.reason };
  return { ...base, status: hostStatus(results) };
}

function hostStatus(steps: readonly StepResult[]): HostStatus {
  if (steps.some((s) => s.status === 'failed')) return 'failed';
  if (steps.some((s) => s.status === 'changed')) return 'changed';
  if (steps.some((s) => s.status === 'would-change' || s.status === 'unknown')) return 'would-change';
  return 'ok';
}
