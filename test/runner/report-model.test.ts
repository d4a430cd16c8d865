import { expect } from 'chai';
import { LoadError } from '../../compiler/errors.ts';
import { jsonReport } from '../../runner/report-json.ts';
import { parseReport, reportView, seconds, worstStatus } from '../../runner/report-model.ts';
import type { StepResult } from '../../runner/results.ts';
import { thrown } from '../support/thrown.ts';
import { sampleReport } from '../support/sample-report.ts';

describe('runner/report-model', () => {
  it('draws hosts × steps: a column per step in the order steps first appear, a row per host, never-started hosts last', () => {
    const view = reportView(sampleReport());
    expect(view.columns.map((column) => column.label)).to.deep.equal([
      'directory /etc/app',
      'file /etc/motd',
      'command apt-get upgrade',
      'line /etc/app/conf',
      'file /etc/app/extra',
    ]);
    expect(view.rows.map((row) => [row.host, row.outcome, row.cells.map((cell) => worstStatus(cell) ?? '')])).to.deep.equal([
      ['web1', 'failed', ['ok', 'would-change', 'unknown', 'failed', 'skipped']],
      ['web<2>&"x"', 'ok', ['ok', 'ok', '', '', '']],
      ['db1', 'unreachable', ['', '', '', '', '']],
      ['db2', 'not-run', ['', '', '', '', '']],
    ]);
    expect(view.steps).to.deep.equal({ ok: 3, changed: 0, 'would-change': 1, unknown: 1, failed: 1, skipped: 1 });
    expect(view.hosts).to.deep.equal({ ok: 1, changed: 0, 'would-change': 0, failed: 1, unreachable: 1, 'not-run': 1 });
  });

  it('a handler has a column of its own, and a cell with two results shows the worse', () => {
    const handler = (status: StepResult['status']): StepResult => ({
      index: 9,
      name: 'service nginx restarted',
      resource: 'service',
      handler: 'restart nginx',
      status,
      durationMs: 1,
    });
    const report = sampleReport();
    const view = reportView({ ...report, hosts: [{ ...report.hosts[1]!, steps: [handler('changed'), handler('failed')] }], notRun: [] });
    expect(view.columns.map((column) => column.label)).to.deep.equal(['handler restart nginx: service nginx restarted']);
    expect(worstStatus(view.rows[0]!.cells[0]!)).to.equal('failed');
  });

  it('reads back what --json wrote; anything else is refused with the field and the file', () => {
    const report = sampleReport();
    expect(parseReport(jsonReport(report), 'run.json')).to.deep.equal(report);
    const bad = (change: (value: Record<string, unknown>) => void): string => {
      const value = JSON.parse(jsonReport(report));
      change(value);
      const error = thrown(() => parseReport(JSON.stringify(value), 'run.json'));
      expect(error).to.be.instanceOf(LoadError);
      expect(error.file).to.equal('run.json');
      return error.message;
    };
    expect(bad((v) => (v.format = 2))).to.match(/^format: must be 1, got 2/);
    expect(bad((v) => ((v.hosts as { steps: { status: string }[] }[])[0]!.steps[1]!.status = 'drifted'))).to.match(
      /^hosts\[0\]\.steps\[1\]\.status: must be one of ok, changed, would-change, unknown, failed, skipped, got "drifted"/,
    );
    expect(bad((v) => delete v.notRun)).to.match(/^notRun: must be a list, got nothing/);
    expect(bad((v) => ((v.hosts as { durationMs: number }[])[2]!.durationMs = -1))).to.match(
      /^hosts\[2\]\.durationMs: must be a number >= 0/,
    );
    expect(thrown(() => parseReport('{"format":', 'run.json')).message).to.match(/^not a bosun JSON report/);
  });

  it('says durations as people read them', () => {
    expect([0, 420, 9999, 12_345, 59_999, 125_000].map(seconds)).to.deep.equal([
      '0.00 s',
      '0.42 s',
      '10.00 s',
      '12.3 s',
      '60.0 s',
      '2 min 05 s',
    ]);
  });
});
