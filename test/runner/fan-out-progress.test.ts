import { expect } from 'chai';
import { Progress, progressText } from '../../runner/progress.ts';

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

/** What a terminal shows once `\r` and erase-line have done their work. */
function screen(output: string): string[] {
  const lines: string[] = [''];
  for (const piece of output.split(/(\r\u001b\[2K|\n)/)) {
    if (piece === '\n') lines.push('');
    else if (piece === '\r\u001b[2K') lines[lines.length - 1] = '';
    else lines[lines.length - 1] += piece;
  }
  return lines;
}

describe('runner/progress (live output)', () => {
  it('counts done, changed (or would-change), failed and unreachable', () => {
    const out = sink();
    const progress = new Progress(out, { isTTY: false, total: 5 });
    progress.hostDone('changed');
    progress.hostDone('would-change');
    progress.hostDone('ok');
    progress.hostDone('failed');
    progress.hostDone('unreachable');
    expect(progressText(progress.counts)).to.equal('[5/5 hosts] 2 changed, 1 failed, 1 unreachable');
  });

  it('not on a TTY: plain lines only, no control characters, no progress line', () => {
    const out = sink();
    const progress = new Progress(out, { isTTY: false, total: 2 });
    progress.write('changed      h1  motd\n');
    progress.hostDone('changed', 'failed       h2  unreachable host\n');
    progress.hostDone('ok');
    progress.finish();
    expect(out.text()).to.equal('changed      h1  motd\nfailed       h2  unreachable host\n');
    expect(out.text()).not.to.match(/[\r\u001b]/);
  });

  it('on a TTY: one progress line stays at the bottom, results scroll above it', () => {
    const out = sink();
    const progress = new Progress(out, { isTTY: true, total: 3 });
    progress.write('changed      h1  motd\n');
    progress.hostDone('changed');
    progress.hostDone('unreachable', 'unreachable  h2  Connection refused\n');
    expect(screen(out.text())).to.deep.equal([
      'changed      h1  motd',
      'unreachable  h2  Connection refused',
      '[2/3 hosts] 1 changed, 0 failed, 1 unreachable',
    ]);
    progress.hostDone('ok');
    progress.finish();
    out.write('RECAP\n');
    expect(screen(out.text())).to.deep.equal(['changed      h1  motd', 'unreachable  h2  Connection refused', 'RECAP', '']);
  });
});
