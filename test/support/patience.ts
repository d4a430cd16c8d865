/**
 * Mocha timeouts are safety nets against a hang, never a measure of speed: each one a
 * suite sets goes through here and is multiplied by BOSUN_TEST_TIMEOUT_SCALE (default 3),
 * so a busy 2-core CI machine passes what an idle one does. (.mocharc.cjs scales the
 * default timeout the same way.)
 */
export function patience(milliseconds: number): number {
  return Math.round(milliseconds * timeoutScale());
}

/** BOSUN_TEST_TIMEOUT_SCALE, checked. */
export function timeoutScale(): number {
  const raw = process.env.BOSUN_TEST_TIMEOUT_SCALE ?? '3';
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`BOSUN_TEST_TIMEOUT_SCALE must be a positive number, not '${raw}'`);
  return scale;
}
