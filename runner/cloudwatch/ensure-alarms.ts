import type { CloudWatchClient, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { type AlarmChange, type AlarmTarget, alarmChanges, desiredAlarm, type StatusAlarmPolicy } from './status-alarm.ts';

/** What became of one instance's alarm. */
export interface AlarmResult {
  readonly host: string;
  readonly instanceId: string;
  readonly region: string;
  readonly alarmName: string;
  /** ok: as wanted; would-change: check mode found a difference; changed: put; failed: see `error`. */
  readonly status: 'ok' | 'would-change' | 'changed' | 'failed';
  /** The settings that differed (all of them for a missing alarm). */
  readonly changes: readonly AlarmChange[];
  readonly error?: string;
}

/** How alarms are ensured. */
export interface EnsureOptions {
  /** `check` describes only; `apply` puts the alarms that differ. */
  readonly mode: 'check' | 'apply';
  readonly policy: StatusAlarmPolicy;
  /** CloudWatch endpoint override (a VPC endpoint, a test server); else the SDK's own (AWS_ENDPOINT_URL_CLOUDWATCH…). */
  readonly endpoint?: string;
  /** Attempts per request, retries included. */
  readonly maxAttempts?: number;
}

/**
 * Ensures the StatusCheckFailed alarm of each target, idempotently, as a Terraform plan/apply of
 * `aws_cloudwatch_metric_alarm` would: one DescribeAlarms per region (by name, 100 at a time),
 * then PutMetricAlarm only for an alarm that is missing or differs. Check mode calls nothing but
 * DescribeAlarms. A region that cannot be read fails its instances, not the others.
 */
export async function ensureStatusAlarms(targets: readonly AlarmTarget[], options: EnsureOptions): Promise<AlarmResult[]> {
  // The SDK takes most of a second to load: only runs that use it pay for it.
  const sdk = await import('@aws-sdk/client-cloudwatch');
  const byRegion = new Map<string, AlarmTarget[]>();
  for (const target of targets) byRegion.set(target.region, [...(byRegion.get(target.region) ?? []), target]);
  const results = new Map<AlarmTarget, AlarmResult>();
  await Promise.all(
    [...byRegion].map(async ([region, inRegion]) => {
      const client: CloudWatchClient = new sdk.CloudWatchClient({
        region,
        ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
        ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
      });
      try {
        const wanted = inRegion.map((target) => ({ target, desired: desiredAlarm(target, options.policy) }));
        let existing: Map<string, MetricAlarm>;
        try {
          existing = await describe(
            client,
            sdk,
            wanted.map(({ desired }) => desired.AlarmName!),
          );
        } catch (error) {
          for (const { target, desired } of wanted)
            results.set(target, failed(target, desired.AlarmName!, [], explain(error, 'DescribeAlarms', region)));
          return;
        }
        for (const { target, desired } of wanted) {
          const name = desired.AlarmName!;
          const changes = alarmChanges(existing.get(name), desired);
          const base = { host: target.host, instanceId: target.instanceId, region, alarmName: name, changes };
          if (changes.length === 0) results.set(target, { ...base, status: 'ok' });
          else if (options.mode === 'check') results.set(target, { ...base, status: 'would-change' });
          else {
            try {
              await client.send(new sdk.PutMetricAlarmCommand(desired));
              results.set(target, { ...base, status: 'changed' });
            } catch (error) {
              results.set(target, failed(target, name, changes, explain(error, 'PutMetricAlarm', region)));
            }
          }
        }
      } finally {
        client.destroy();
      }
    }),
  );
  return targets.map((target) => results.get(target)!);
}

async function describe(
  client: CloudWatchClient,
  sdk: typeof import('@aws-sdk/client-cloudwatch'),
  names: readonly string[],
): Promise<Map<string, MetricAlarm>> {
  const found = new Map<string, MetricAlarm>();
  for (let i = 0; i < names.length; i += 100) {
    let token: string | undefined;
    do {
      const page = await client.send(new sdk.DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), NextToken: token }));
      for (const alarm of page.MetricAlarms ?? []) if (alarm.AlarmName !== undefined) found.set(alarm.AlarmName, alarm);
      token = page.NextToken;
    } while (token !== undefined);
  }
  return found;
}

function failed(target: AlarmTarget, alarmName: string, changes: readonly AlarmChange[], error: string): AlarmResult {
  return { host: target.host, instanceId: target.instanceId, region: target.region, alarmName, status: 'failed', changes, error };
}

/** An SDK failure in words: the call, CloudWatch's error name and message, and what to check. */
function explain(error: unknown, call: string, region: string): string {
  const e = error as { name?: string; message?: string };
  if (/credential/i.test(e.name ?? '') || /Could not load credentials/i.test(e.message ?? ''))
    return `${call} in ${region}: no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)`;
  return `${call} in ${region}: ${e.name ?? 'error'}: ${e.message ?? String(error)}`;
}

/** As `bosun check`/`apply`: 0 nothing to do or all put, 2 changes pending (check), 4 an alarm failed, 6 both. */
export function alarmsExitCode(results: readonly AlarmResult[]): number {
  const pending = results.some((result) => result.status === 'would-change') ? 2 : 0;
  const failures = results.some((result) => result.status === 'failed') ? 4 : 0;
  return pending + failures;
}

/** One line per instance, then the changes of each, for people. */
export function alarmsHuman(results: readonly AlarmResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(
      `${result.status.padEnd(12)} ${result.host} ${result.instanceId} ${result.alarmName}${result.error ? `: ${result.error}` : ''}`,
    );
    if (result.status !== 'ok')
      for (const change of result.changes)
        lines.push(
          `    ${change.field}: ${change.before === undefined ? '(none)' : JSON.stringify(change.before)} -> ${JSON.stringify(change.after)}`,
        );
  }
  const count = (status: AlarmResult['status']) => results.filter((result) => result.status === status).length;
  lines.push(`alarms: ok=${count('ok')} would-change=${count('would-change')} changed=${count('changed')} failed=${count('failed')}`);
  return `${lines.join('\n')}\n`;
}
