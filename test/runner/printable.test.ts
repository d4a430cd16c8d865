import { expect } from 'chai';
import { printable } from '../../runner/printable.ts';
import { hostLine, recap, stepLine } from '../../runner/report-human.ts';
import type { HostResult, StepResult } from '../../runner/results.ts';

describe('runner/printable: what reaches a terminal', () => {
  it('escapes control characters and bidi controls; keeps text, tabs and (for blocks) line breaks', () => {
    expect(printable('a\nb\rc\u001b[31md\u007f\u009b\u202eevil\u2066x\u200fy')).to.equal(
      'a\\x0ab\\x0dc\\x1b[31md\\x7f\\x9b\\u{202e}evil\\u{2066}x\\u{200f}y',
    );
    expect(printable('tab\tand é 中 😀')).to.equal('tab\tand é 中 😀');
    expect(printable('line 1\nline\u001b 2\n', { lines: true })).to.equal('line 1\nline\\x1b 2\n');
  });

  it('every human line of a run is one line, with no raw control or bidi character', () => {
    const evil = '/etc/x\ninjected line\u001b[2J\u202ereversed';
    const step: StepResult = {
      index: 0,
      name: `file ${evil}`,
      resource: 'file',
      status: 'failed',
      rc: 1,
      output: `out\u001b]0;title\u0007\n`,
      durationMs: 1,
    };
    const result: HostResult = {
      host: `h\u202e1`,
      status: 'failed',
      steps: [step],
      durationMs: 1,
      planHash: '',
      reason: `lost\n\u001b[1m`,
    };
    const out = { write: () => {}, color: false, diff: true };
    const text = stepLine(result.host, step, out) + hostLine(result, out) + recap([result], 'apply', out);
    expect(text).not.to.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    // The step line is one line: the name's line break is shown, not made.
    expect(stepLine(result.host, step, out).split('\n')[0]).to.equal(
      `failed       h\\u{202e}1  file /etc/x\\x0ainjected line\\x1b[2J\\u{202e}reversed`,
    );
  });
});
