import { patience } from './patience.ts';

/**
 * How deep property tests search: BOSUN_PROPERTY_SCALE (default 1) multiplies
 * every property's runs, and the time its suite may take. The suite stays quick
 * by default; a deeper search for counterexamples is one variable away:
 *
 *     BOSUN_PROPERTY_SCALE=20 npx mocha test/compiler/free-text.property.test.ts
 */
function propertyScale(): number {
  const raw = process.env.BOSUN_PROPERTY_SCALE ?? '1';
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`BOSUN_PROPERTY_SCALE must be a positive number, not '${raw}'`);
  return scale;
}

/** fast-check parameters: `numRuns` runs, scaled. */
export function propertyRuns(numRuns: number): { numRuns: number } {
  return { numRuns: Math.max(1, Math.round(numRuns * propertyScale())) };
}

/** A mocha timeout for a suite of properties, scaled with their runs and with `patience`. */
export function propertyTimeout(milliseconds: number): number {
  return patience(Math.round(milliseconds * Math.max(1, propertyScale())));
}
