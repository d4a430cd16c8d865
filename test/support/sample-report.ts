import type { RunReport } from '../../runner/report-model.ts';
import type { StepResult } from '../../runner/results.ts';

/** A would-change file's diff, as runner/diff.ts renders it. */
export const MOTD_DIFF = `--- /etc/motd
+++ /etc/motd
@@ -1,1 +1,1 @@
-edited by hand
+welcome to bosun
`;

/** Output no report may break on or run: markup, a CDATA end, a control character, a lone CR, a non-BMP letter. */
export const HOSTILE_OUTPUT = 'kept back: <script>alert(1)</script> ]]> & "quotes"\u0001 bell\r\n𝔘nicode\n';

const step = (index: number, name: string, status: StepResult['status'], more: Partial<StepResult> = {}): StepResult => ({
  index,
  name,
  resource: 'file',
  play: 'baseline',
  role: 'base',
  status,
  durationMs: 10 * (index + 1),
  ...more,
});

/**
 * A check run over four hosts with every outcome a report must show: drift with a diff, a step
 * that cannot be checked, a failure with hostile output, a skipped step, a clean host whose name
 * needs escaping, an unreachable host, and a host never started.
 */
export function sampleReport(): RunReport {
  return {
    format: 1,
    mode: 'check',
    playbook: 'playbooks/baseline.ts',
    startedAt: '2026-11-30T08:00:00.000Z',
    durationMs: 4321,
    exitCode: 6,
    hosts: [
      {
        host: 'web1',
        status: 'failed',
        durationMs: 1500,
        planHash: 'a'.repeat(64),
        facts: { pkg: 'apt', init: 'systemd', os: 'debian/bookworm' },
        steps: [
          step(0, 'directory /etc/app', 'ok'),
          step(1, 'file /etc/motd', 'would-change', { diff: MOTD_DIFF }),
          step(2, 'command apt-get upgrade', 'unknown', { resource: 'command', role: 'patch' }),
          step(3, 'line /etc/app/conf', 'failed', { rc: 98, output: HOSTILE_OUTPUT }),
          step(4, 'file /etc/app/extra', 'skipped'),
        ],
      },
      {
        host: 'web<2>&"x"',
        status: 'ok',
        durationMs: 800,
        planHash: 'b'.repeat(64),
        steps: [step(0, 'directory /etc/app', 'ok'), step(1, 'file /etc/motd', 'ok')],
      },
      {
        host: 'db1',
        status: 'unreachable',
        durationMs: 120,
        planHash: 'c'.repeat(64),
        reason: 'ssh: connect to host 127.0.10.9 port 22: Connection refused',
        steps: [],
      },
    ],
    notRun: ['db2'],
  };
}
