import { lastOpening, parseWindow, type PatchWindow } from './window.ts';

/**
 * An instance's `scheduler:ebs-snapshot` tag, as the EBS Snapshot Scheduler writes it:
 * `TIME;RETENTION;ZONE;DAYS`, e.g. `0100;7;utc;all` (01:00 UTC every day) or
 * `2330;14;America/New_York;mon,wed,fri`; days are `all`, `weekdays` or a list. `none`
 * means the instance is not snapshotted on a schedule.
 */
export interface SnapshotSchedule {
  /** The scheduled snapshot time, as a one-minute window (for its last occurrence). */
  readonly at: PatchWindow;
  readonly retentionDays: number;
}

const DAYS: Record<string, string> = { all: 'Sun-Sat', weekdays: 'Mon-Fri' };

/** Reads the tag; undefined for `none`, for a value it does not know (`default`, `true`), or a broken one. */
export function parseSnapshotSchedule(tag: string): SnapshotSchedule | undefined {
  const match = /^(\d{2})(\d{2});(\d+);([^;]+);([A-Za-z,]+)$/.exec(tag.trim());
  if (match === null) return undefined;
  const [, hh, mm, retention, zoneText, daysText] = match as unknown as [string, string, string, string, string, string];
  const zone = zoneText.toLowerCase() === 'utc' ? 'UTC' : zoneText;
  const days =
    DAYS[daysText.toLowerCase()] ??
    daysText
      .split(',')
      .map((d) => d.slice(0, 1).toUpperCase() + d.slice(1, 3).toLowerCase())
      .join(',');
  const endMinutes = (Number(hh) * 60 + Number(mm) + 1) % 1440;
  const end = `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}`;
  try {
    return { at: parseWindow(`${days} ${hh}:${mm}-${end} ${zone}`, 'scheduler:ebs-snapshot'), retentionDays: Number(retention) };
  } catch {
    return undefined;
  }
}

/**
 * The oldest start a snapshot may have and still confirm a backup: younger than `maxAgeMs`, or
 * taken by the schedule's latest run (an hour of slack before it, for a snapshot started early).
 */
export function oldestAcceptable(now: Date, maxAgeMs: number, schedule: SnapshotSchedule | undefined): Date {
  const byAge = now.getTime() - maxAgeMs;
  const last = schedule === undefined ? undefined : lastOpening(schedule.at, now);
  return new Date(last === undefined ? byAge : Math.min(byAge, last.getTime() - 3_600_000));
}
