import { createTwoFilesPatch } from 'diff';
import { maskSecrets } from '../compiler/secret.ts';
import type { StepDiff } from '../compiler/step.ts';

/** What the host sent about a step's file in check mode. */
export interface DiffEvidence {
  before?: string;
  after?: string;
  size?: number;
  /** The current mode, owner and group (the lines of the step's `attributes`). */
  attrs?: string;
}

/**
 * The unified diff a person reads for a would-change step, secrets masked: of the content, and
 * of the mode, owner and group when they differ (so an attribute change is never an empty diff).
 * Content over the cap is never diffed (the host does not even send a current file that large):
 * the diff then says how large each side is.
 */
export function renderDiff(diff: StepDiff, evidence: DiffEvidence, secrets: readonly string[], cap: number): string {
  const attributes =
    diff.attributes !== undefined && evidence.attrs !== undefined && evidence.attrs !== diff.attributes
      ? createTwoFilesPatch(
          `${diff.path} (attributes)`,
          `${diff.path} (attributes)`,
          evidence.attrs,
          diff.attributes,
          undefined,
          undefined,
          {
            context: 3,
          },
        )
      : '';
  return contentDiff(diff, evidence, secrets, cap, attributes !== '') + attributes;
}

/** The content part; empty when only the attributes differ (`attributesDiffer`) and the content is the same. */
function contentDiff(diff: StepDiff, evidence: DiffEvidence, secrets: readonly string[], cap: number, attributesDiffer: boolean): string {
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
  if (attributesDiffer && evidence.before !== undefined && before === after) return '';
  const header = evidence.before === undefined && evidence.size === undefined ? '/dev/null' : diff.path;
  return maskSecrets(createTwoFilesPatch(header, diff.path, before, after, undefined, undefined, { context: 3 }), secrets);
}

/** The UTF-8 length of `text`, counted only as far as needed to tell it is over `limit`. */
function byteLength(text: string, limit = Number.POSITIVE_INFINITY): number {
  // Each UTF-16 code unit is at least one byte: more units than the limit is over it, uncounted.
  if (text.length > limit) return text.length;
  return Buffer.byteLength(text, 'utf8');
}
