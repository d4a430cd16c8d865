import type { EC2Client, Snapshot } from '@aws-sdk/client-ec2';
import { SNAPSHOT_SCHEDULE_TAG } from '../../inventory/ec2/ec2-source.ts';
import type { Host } from '../../compiler/host.ts';
import { oldestAcceptable, parseSnapshotSchedule } from '../../compiler/patch/snapshot-schedule.ts';

/** How a backup is confirmed before a host is patched. */
export interface SnapshotPolicy {
  /** A completed snapshot at most this old confirms a volume's backup (default 24 h). */
  readonly maxAgeMs: number;
  /** How long to wait for a snapshot to complete. */
  readonly waitTimeoutMs: number;
  /** EC2 endpoint override (a VPC endpoint, a test server); else the SDK's own (AWS_ENDPOINT_URL_EC2…). */
  readonly endpoint?: string;
  /** Attempts per request, retries included. */
  readonly maxAttempts?: number;
  /** The clock the age of a snapshot is measured with. */
  readonly now: () => Date;
}

/** The snapshot that backs up one volume. */
export interface VolumeSnapshot {
  readonly volumeId: string;
  readonly snapshotId: string;
  readonly startTime: string;
  /** Made by this run (none recent enough existed). */
  readonly created: boolean;
}

/** Whether a host's backup was confirmed, with the snapshot of each attached volume. */
export type BackupOutcome =
  | { readonly ok: true; readonly instanceId: string; readonly volumes: readonly VolumeSnapshot[]; readonly schedule?: string }
  | { readonly ok: false; readonly reason: string; readonly volumes: readonly VolumeSnapshot[]; readonly schedule?: string };

/**
 * Confirms a fresh EBS snapshot of every volume attached to the host's instance (the
 * reference's "confirm a back-up exists", step 2): a completed snapshot younger than the
 * policy's age, or taken by the latest run of the instance's `scheduler:ebs-snapshot`
 * schedule, confirms a volume; one in progress is waited for; otherwise one is created and
 * waited for. Needs the host's `instance_id` (the EC2 inventory sets it) and
 * its region (`placement.region`, or `ec2_region`).
 */
export async function confirmBackup(host: Host, policy: SnapshotPolicy): Promise<BackupOutcome> {
  const instanceId = typeof host.vars.instance_id === 'string' ? host.vars.instance_id : undefined;
  const schedule = scheduleOf(host);
  const base = { volumes: [] as VolumeSnapshot[], ...(schedule !== undefined && { schedule }) };
  if (instanceId === undefined) {
    return {
      ...base,
      ok: false,
      reason: 'no instance_id: not an EC2 instance, so no snapshot can confirm a backup (--no-snapshot patches without one)',
    };
  }
  const region = regionOf(host);
  if (region === undefined)
    return { ...base, ok: false, reason: `instance ${instanceId}: no region (placement.region or ec2_region) to find its snapshots in` };
  // The SDK takes most of a second to load: only runs that snapshot pay for it.
  const sdk = await import('@aws-sdk/client-ec2');
  const client = new sdk.EC2Client({
    region,
    ...(policy.endpoint !== undefined && { endpoint: policy.endpoint }),
    ...(policy.maxAttempts !== undefined && { maxAttempts: policy.maxAttempts }),
  });
  let step = 'DescribeInstances';
  try {
    const described = await client.send(new sdk.DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = described.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
    const volumeIds = (instance?.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId).filter((id): id is string => id !== undefined);
    if (volumeIds.length === 0) return { ...base, ok: false, reason: `instance ${instanceId} has no EBS volume attached to snapshot` };
    const tagged = instance?.Tags?.find((tag) => tag.Key === SNAPSHOT_SCHEDULE_TAG)?.Value;
    const scheduleText = schedule ?? tagged;
    const withSchedule = { ...base, ...(scheduleText !== undefined && { schedule: scheduleText }) };
    // Young enough by age, or taken by the schedule's latest run.
    const oldest = oldestAcceptable(
      policy.now(),
      policy.maxAgeMs,
      scheduleText === undefined ? undefined : parseSnapshotSchedule(scheduleText),
    );
    for (const volumeId of volumeIds) {
      step = 'DescribeSnapshots';
      const existing = await snapshotsOf(client, sdk, volumeId);
      const youngest = freshest(existing, oldest);
      if (youngest?.State === 'completed') {
        withSchedule.volumes.push(volumeSnapshot(volumeId, youngest, false));
        continue;
      }
      let snapshot = youngest;
      let created = false;
      if (snapshot === undefined) {
        step = 'CreateSnapshot';
        const made = await client.send(
          new sdk.CreateSnapshotCommand({
            VolumeId: volumeId,
            Description: `bosun patch: ${host.name} before patching`,
            TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'bosun:patch', Value: host.name }] }],
          }),
        );
        snapshot = made;
        created = true;
      }
      step = 'waiting for the snapshot to complete';
      await sdk.waitUntilSnapshotCompleted(
        { client, maxWaitTime: Math.max(1, Math.ceil(policy.waitTimeoutMs / 1000)), minDelay: 5, maxDelay: 30 },
        { SnapshotIds: [snapshot.SnapshotId!] },
      );
      withSchedule.volumes.push(volumeSnapshot(volumeId, snapshot, created));
    }
    return { ...withSchedule, ok: true, instanceId };
  } catch (error) {
    return { ...base, ok: false, reason: explain(error, step, instanceId, region) };
  } finally {
    client.destroy();
  }
}

async function snapshotsOf(client: EC2Client, sdk: typeof import('@aws-sdk/client-ec2'), volumeId: string): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = [];
  for await (const page of sdk.paginateDescribeSnapshots(
    { client },
    { OwnerIds: ['self'], Filters: [{ Name: 'volume-id', Values: [volumeId] }] },
  )) {
    snapshots.push(...(page.Snapshots ?? []));
  }
  return snapshots;
}

/** The newest snapshot young enough to count, completed or still in progress (an error state never counts). */
function freshest(snapshots: readonly Snapshot[], oldest: Date): Snapshot | undefined {
  const young = snapshots
    .filter((s) => (s.State === 'completed' || s.State === 'pending') && s.StartTime !== undefined && s.StartTime >= oldest)
    .sort((a, b) => b.StartTime!.getTime() - a.StartTime!.getTime());
  return young.find((s) => s.State === 'completed') ?? young[0];
}

function volumeSnapshot(volumeId: string, snapshot: Snapshot, created: boolean): VolumeSnapshot {
  return { volumeId, snapshotId: snapshot.SnapshotId ?? '', startTime: snapshot.StartTime?.toISOString() ?? '', created };
}

function scheduleOf(host: Host): string | undefined {
  if (typeof host.vars.ebs_snapshot_schedule === 'string') return host.vars.ebs_snapshot_schedule;
  const tags = host.vars.tags as Record<string, unknown> | undefined;
  const tag = tags?.[SNAPSHOT_SCHEDULE_TAG];
  return typeof tag === 'string' ? tag : undefined;
}

function regionOf(host: Host): string | undefined {
  const placement = host.vars.placement as { region?: unknown } | undefined;
  if (typeof placement?.region === 'string') return placement.region;
  if (typeof host.vars.ec2_region === 'string') return host.vars.ec2_region;
  return undefined;
}

/** An SDK failure in words: the step, EC2's error code and message, and what to check. */
function explain(error: unknown, step: string, instanceId: string, region: string): string {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'error';
  if (/credential/i.test(name) || /Could not load credentials/i.test(e.message ?? '')) {
    return `no AWS credentials to confirm the snapshot of ${instanceId} (${step}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`;
  }
  if (name === 'TimeoutError' || e.message?.includes('Exceeded max waiting time'))
    return `${step} for ${instanceId}: the snapshot did not complete in time`;
  const status = e.$metadata?.httpStatusCode === undefined ? '' : ` (HTTP ${e.$metadata.httpStatusCode})`;
  return `EC2 ${step} failed for ${instanceId} in ${region}: ${name}${status}: ${e.message ?? String(error)}`;
}
