import { createTwoFilesPatch } from 'diff';
import { maskSecrets } from '../compiler/secret.ts';
import type { StepDiff } from '../compiler/step.ts';

/** What the host sent about a step's file in check mode. */
export interface DiffEvidence {
  before?: string;
  after?: string;
  size?: number;
}

/**
 * The unified diff a person reads for a would-change step, secrets masked. Content over the
 * cap is never diffed (the host does not even send a current file that large): the diff then
 * says how large each side is.
 */
export function renderDiff(diff: StepDiff, evidence: DiffEvidence, secrets: readonly string[], cap: number): string {
  if (diff.sensitive) return `--- ${diff.path}\n+++ ${diff.path}\n(sensitive content: diff hidden)\n`;
  if (diff.binary !== undefined) {
    const now = evidence.size === undefined ? 'new file' : `${evidence.size} bytes now`;
    return `--- ${evidence.size === undefined ? '/dev/null' : diff.path}\n+++ ${diff.path}\n(binary content: ${now}, ${diff.binary.size} bytes wanted)\n`;
  }
  const desiredBytes = diff.desired === undefined ? diff.size : byteLength(diff.desired, cap);
  const currentTooLarge = evidence.size !== undefined && evidence.size > cap;
  if (currentTooLarge || (desiredBytes !== undefined && desiredBytes > cap)) {
    const current = evidence.size === undefined ? 'no file' : `${evidence.size} bytes`;
    const wanted =
      desiredBytes === undefined ? 'computed on the host' : `${diff.desired === undefined ? desiredBytes : byteLength(diff.desired)} bytes`;
    return `--- ${diff.path}\n+++ ${diff.path}\n(current: ${current}; new: ${wanted}: over the ${cap} bytes a diff shows)\n`;
  }
  const after = diff.desired ?? evidence.after ?? '';
  const before = evidence.before ?? '';
  const header = evidence.before === undefined && evidence.size === undefined ? '/dev/null' : diff.path;
  return maskSecrets(createTwoFilesPatch(header, diff.path, before, after, undefined, undefined, { context: 3 }), secrets);
}

/** The UTF-8 length of `text`, counted only as far as needed to tell it is over `limit`. */
function byteLength(text: string, limit = Number.POSITIVE_INFINITY): number {
  // Each UTF-16 code unit is at least one byte: more units than the limit is over it, uncounted.
  if (text.length > limit) return text.length;
  return Buffer.byteLength(text, 'utf8');
}
