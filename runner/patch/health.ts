/** How one health check ended. */
export interface HealthResult {
  /** The URL or the command. */
  readonly check: string;
  readonly ok: boolean;
  /** The status line, or the command's exit code and output, or why it could not be asked. */
  readonly detail: string;
}

/**
 * Fetches a health URL from the controller until it answers 2xx or 3xx, or the time is up
 * (a service just restarted may need a moment): a wait on the condition, one try a second.
 */
export async function checkUrl(url: string, options: { readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<HealthResult> {
  const deadline = Date.now() + options.timeoutMs;
  let detail = 'not asked';
  while (true) {
    try {
      const signals = [AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now()))), options.signal].filter(
        (s): s is AbortSignal => s !== undefined,
      );
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.any(signals) });
      await response.body?.cancel();
      detail = `HTTP ${response.status} ${response.statusText}`.trim();
      if (response.status >= 200 && response.status < 400) return { check: url, ok: true, detail };
    } catch (error) {
      detail = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    }
    if (Date.now() >= deadline || options.signal?.aborted === true) return { check: url, ok: false, detail };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
