import { expect } from 'chai';
import { code } from '../../compiler/shell.ts';
import type { StepDiff } from '../../compiler/step.ts';
import { renderDiff } from '../../runner/diff.ts';

describe('runner/diff: attributes', () => {
  const diff: StepDiff = {
    path: '/etc/sudoers.d/blot',
    probe: code(':'),
    desired: 'a\n',
    sensitive: false,
    attributes: 'mode 440\nowner root\n',
  };

  it('a mode or owner change alone is a diff of the attributes, before and after, without an empty content diff', () => {
    const text = renderDiff(diff, { before: 'a\n', attrs: 'mode 644\nowner deploy\n' }, [], 65536);
    expect(text).to.contain('--- /etc/sudoers.d/blot (attributes)\n+++ /etc/sudoers.d/blot (attributes)\n');
    expect(text).to.contain('-mode 644\n-owner deploy\n+mode 440\n+owner root\n');
    expect(text).not.to.contain('--- /etc/sudoers.d/blot\t');
  });

  it('content and attributes both changed: both diffs', () => {
    const text = renderDiff(diff, { before: 'b\n', attrs: 'mode 644\nowner root\n' }, [], 65536);
    expect(text).to.contain('-b\n+a\n').and.to.contain('-mode 644\n+mode 440\n owner root\n');
  });

  it('the same attributes add nothing; a new file has no attributes to compare', () => {
    expect(renderDiff(diff, { before: 'b\n', attrs: 'mode 440\nowner root\n' }, [], 65536)).not.to.contain('(attributes)');
    expect(renderDiff(diff, {}, [], 65536))
      .to.contain('--- /dev/null')
      .and.not.to.contain('(attributes)');
  });

  it('sensitive content stays hidden while the attributes show', () => {
    const text = renderDiff({ ...diff, sensitive: true }, { attrs: 'mode 644\nowner root\n' }, [], 65536);
    expect(text).to.contain('(sensitive content: diff hidden)').and.to.contain('-mode 644\n+mode 440\n');
  });
});
