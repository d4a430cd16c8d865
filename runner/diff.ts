import { createTwoFilesPatch } from 'diff';
import { maskSecrets } from '../compiler/secret.ts';
import type { StepDiff } from '../compiler/step.ts';

/** What the host sent about a step's file in check mode. */
export interface DiffEvidence {
  before?: string;
  after?: string;
  size?: number;
}

/** The unified diff a person reads for a would-change step, secrets masked. */
export function renderDiff(diff: StepDiff, evidence: DiffEvidence, secrets: readonly string[], cap: number): string {
  if (diff.sensitive) return `--- ${diff.path}\n+++ ${diff.path}\n(sensitive content: diff hidden)\n`;
  if (diff.binary !== undefined) {
    const now = evidence.size === undefined ? 'new file' : `${evidence.size} bytes now`;
    return `--- ${evidence.size === undefined ? '/dev/null' : diff.path}\n+++ ${diff.path}\n(binary content: ${now}, ${diff.binary.size} bytes wanted)\n`;
  }
  const after = diff.desired ?? evidence.after ?? '';
  const before = evidence.before ?? '';
  const header = evidence.before === undefined ? '/dev/null' : diff.path;
  const truncated =
    evidence.size !== undefined && evidence.size > cap
      ? `(current content is ${evidence.size} bytes: only the first ${cap} were compared)\n`
      : '';
  return truncated + maskSecrets(createTwoFilesPatch(header, diff.path, before, after, undefined, undefined, { context: 3 }), secrets);
}
