import { expect } from 'chai';
import { type HumanOutput, hostLine, recap, stepLine } from '../../runner/report-human.ts';
import type { HostResult, StepResult } from '../../runner/results.ts';

const plain: HumanOutput = { write: () => {}, color: false, diff: false };

function step(fields: Partial<StepResult> = {}): StepResult {
  return { index: 0, name: 'file /etc/motd', resource: 'file', status: 'ok', durationMs: 1234, ...fields };
}

function host(fields: Partial<HostResult> = {}): HostResult {
  return { host: 'web1', status: 'ok', steps: [], durationMs: 1, planHash: '', ...fields };
}

describe('runner/report-human (what a person reads as a run goes)', () => {
  describe('stepLine', () => {
    it('is the status padded to one column, the host and the step name, on one line', () => {
      expect(stepLine('web1', step(), plain)).to.equal('ok           web1  file /etc/motd\n');
      expect(stepLine('web1', step({ status: 'would-change' }), plain)).to.equal('would-change web1  file /etc/motd\n');
    });

    it('names a handler as one, and says when it was left pending by an earlier run', () => {
      const handler = step({ name: 'service nginx restarted', handler: 'restart nginx', status: 'changed' });
      expect(stepLine('web1', handler, plain)).to.equal('changed      web1  handler restart nginx: service nginx restarted\n');
      expect(stepLine('web1', { ...handler, pendingFromEarlierRun: true }, plain)).to.equal(
        'changed      web1  handler restart nginx: service nginx restarted (pending from an earlier run)\n',
      );
    });

    it('puts a failed step’s exit code and output beneath it, indented, and "?" for an unknown code', () => {
      expect(stepLine('web1', step({ status: 'failed', rc: 3, output: 'line one\nline two\n' }), plain)).to.equal(
        'failed       web1  file /etc/motd\n    rc=3\n    line one\n    line two\n',
      );
      expect(stepLine('web1', step({ status: 'failed', output: '' }), plain)).to.equal('failed       web1  file /etc/motd\n    rc=?\n');
    });

    it('prints the output of a step that did not fail only at -v, and its duration instead of it at -vv', () => {
      const chatty = step({ status: 'changed', output: 'Setting up nginx\n' });
      expect(stepLine('web1', chatty, plain)).to.equal('changed      web1  file /etc/motd\n');
      expect(stepLine('web1', chatty, { ...plain, verbosity: 1 })).to.equal('changed      web1  file /etc/motd\n    Setting up nginx\n');
      expect(stepLine('web1', chatty, { ...plain, verbosity: 2 })).to.equal('changed      web1  file /etc/motd  (1.23 s)\n');
    });

    it('prints the diff beneath only when diffs were asked for', () => {
      const changing = step({ status: 'would-change', diff: '--- before\n+++ after\n-old\n+new\n' });
      expect(stepLine('web1', changing, plain)).to.equal('would-change web1  file /etc/motd\n');
      expect(stepLine('web1', changing, { ...plain, diff: true })).to.equal(
        'would-change web1  file /etc/motd\n    --- before\n    +++ after\n    -old\n    +new\n',
      );
    });

    it('colours the status by what it means, and only when the output is a terminal', () => {
      const colored = { ...plain, color: true };
      expect(stepLine('web1', step(), colored)).to.equal('\u001b[32mok          \u001b[0m web1  file /etc/motd\n');
      expect(stepLine('web1', step({ status: 'would-change' }), colored)).to.match(/^\u001b\[33mwould-change\u001b\[0m /);
      expect(stepLine('web1', step({ status: 'failed', rc: 1 }), colored)).to.match(/^\u001b\[31mfailed {6}\u001b\[0m /);
      expect(stepLine('web1', step({ status: 'skipped' }), colored)).to.match(/^\u001b\[36mskipped {5}\u001b\[0m /);
    });
  });

  describe('hostLine', () => {
    it('is empty for a host whose steps tell the story', () => {
      expect(hostLine(host(), plain)).to.equal('');
      expect(hostLine(host({ status: 'failed', steps: [step({ status: 'failed' })] }), plain)).to.equal('');
    });

    it('says why a host was unreachable, or why it failed as a whole', () => {
      expect(hostLine(host({ status: 'unreachable', reason: 'ssh: connection refused' }), plain)).to.equal(
        'unreachable  web1  ssh: connection refused\n',
      );
      expect(hostLine(host({ status: 'failed', reason: 'session lost' }), { ...plain, color: true })).to.equal(
        '\u001b[31mfailed      \u001b[0m web1  session lost\n',
      );
    });
  });

  describe('recap', () => {
    const web = host({
      host: 'web1',
      status: 'would-change',
      steps: [
        step({ status: 'ok' }),
        step({ status: 'would-change' }),
        step({ status: 'would-change' }),
        step({ status: 'unknown' }),
        step({ status: 'skipped' }),
      ],
    });
    const database = host({ host: 'database-primary', status: 'unreachable', reason: 'refused' });

    it('counts each host’s steps by status, with the statuses of check mode, names aligned', () => {
      expect(recap([web, database], 'check', plain)).to.equal(
        [
          '',
          'RECAP (check)',
          'web1              ok=1 would-change=2 unknown=1 failed=0 skipped=1',
          'database-primary  ok=0 would-change=0 unknown=0 failed=0 skipped=0  UNREACHABLE',
          '',
        ].join('\n'),
      );
    });

    it('counts with the statuses of apply mode, and marks a failed host', () => {
      const applied = host({
        status: 'failed',
        steps: [step({ status: 'changed' }), step({ status: 'failed' }), step({ status: 'skipped' })],
      });
      expect(recap([applied], 'apply', plain)).to.equal('\nRECAP (apply)\nweb1  ok=0 changed=1 failed=1 skipped=1  FAILED\n');
    });
  });
});
