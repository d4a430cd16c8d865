import type { MetricAlarm, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import type { Host } from '../../compiler/host.ts';

/**
 * The StatusCheckFailed alarm of one EC2 instance, as reference 000 asks of every new instance
 * ("at the very least an alarm should be set up for status_check_failed"): the instance's
 * StatusCheckFailed metric (instance or system check) at 1 or more for `evaluationPeriods`
 * minutes in a row.
 */
export interface StatusAlarmPolicy {
  /** The alarm's name is this followed by the instance id (default `status-check-failed-`). */
  readonly namePrefix: string;
  /** What the alarm does when it fires: SNS topic ARNs, `arn:aws:automate:REGION:ec2:recover`… (default none). */
  readonly alarmActions: readonly string[];
  /** Consecutive failing minutes before it fires (default 2). */
  readonly evaluationPeriods: number;
}

export const DEFAULT_POLICY: StatusAlarmPolicy = { namePrefix: 'status-check-failed-', alarmActions: [], evaluationPeriods: 2 };

/** An instance whose alarm is ensured: the inventory host, its instance and its region. */
export interface AlarmTarget {
  readonly host: string;
  readonly instanceId: string;
  readonly region: string;
}

/** The EC2 hosts of an inventory as alarm targets; a host without instance_id or region is returned apart, with the reason. */
export function alarmTargets(hosts: readonly Host[]): { targets: AlarmTarget[]; skipped: { host: string; reason: string }[] } {
  const targets: AlarmTarget[] = [];
  const skipped: { host: string; reason: string }[] = [];
  for (const host of hosts) {
    const instanceId = host.vars.instance_id;
    const placement = host.vars.placement as { region?: unknown } | undefined;
    const region = typeof placement?.region === 'string' ? placement.region : host.vars.ec2_region;
    if (typeof instanceId !== 'string') skipped.push({ host: host.name, reason: 'no instance_id (not a host of an EC2 inventory)' });
    else if (typeof region !== 'string')
      skipped.push({ host: host.name, reason: `instance ${instanceId}: no region (placement.region or ec2_region)` });
    else targets.push({ host: host.name, instanceId, region });
  }
  return { targets, skipped };
}

/** The alarm wanted for an instance, as PutMetricAlarm takes it. */
export function desiredAlarm(target: AlarmTarget, policy: StatusAlarmPolicy): PutMetricAlarmCommandInput {
  return {
    AlarmName: `${policy.namePrefix}${target.instanceId}`,
    AlarmDescription: `Managed by bosun: ${target.host} (${target.instanceId}) failed an EC2 status check`,
    ActionsEnabled: true,
    AlarmActions: [...policy.alarmActions].sort(),
    Namespace: 'AWS/EC2',
    MetricName: 'StatusCheckFailed',
    Dimensions: [{ Name: 'InstanceId', Value: target.instanceId }],
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: policy.evaluationPeriods,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'missing',
  };
}

/** One setting that differs: what CloudWatch has and what is wanted (undefined: no such alarm yet). */
export interface AlarmChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

const COMPARED = [
  'AlarmDescription',
  'ActionsEnabled',
  'AlarmActions',
  'Namespace',
  'MetricName',
  'Dimensions',
  'Statistic',
  'Period',
  'EvaluationPeriods',
  'Threshold',
  'ComparisonOperator',
  'TreatMissingData',
] as const;

/** What PutMetricAlarm would change in `current` (every wanted field when there is no alarm). */
export function alarmChanges(current: MetricAlarm | undefined, desired: PutMetricAlarmCommandInput): AlarmChange[] {
  const changes: AlarmChange[] = [];
  for (const field of COMPARED) {
    const after = desired[field];
    const raw = current?.[field];
    // CloudWatch returns actions in its own order, and no list where there is none.
    const before = field === 'AlarmActions' && Array.isArray(raw) ? [...raw].sort() : raw;
    if (current === undefined || JSON.stringify(before ?? (field === 'AlarmActions' ? [] : undefined)) !== JSON.stringify(after))
      changes.push({ field, before: current === undefined ? undefined : before, after });
  }
  return changes;
}
