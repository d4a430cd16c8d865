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
  const after = diff.desired ?? evidence.after ?? '';
  const before = evidence.before ?? '';
  if (attributesDiffer && evidence.before !== undefined && before === after) return '';
  const header = evidence.before === undefined ? '/dev/null' : diff.path;
  const truncated =
    evidence.size !== undefined && evidence.size > cap
      ? `(current content is ${evidence.size} bytes: only the first ${cap} were compared)\n`
      : '';
  return truncated + maskSecrets(createTwoFilesPatch(header, diff.path, before, after, undefined, undefined, { context: 3 }), secrets);
}
