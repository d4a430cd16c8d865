import { expect } from 'chai';
import { oldestAcceptable, parseSnapshotSchedule } from '../../../compiler/patch/snapshot-schedule.ts';

const HOUR = 3_600_000;

describe('the scheduler:ebs-snapshot tag', () => {
  it('reads TIME;RETENTION;ZONE;DAYS, and nothing it does not know', () => {
    const daily = parseSnapshotSchedule('0100;7;utc;all');
    expect(daily?.retentionDays).to.equal(7);
    expect(daily?.at.text).to.equal('Sun-Sat 01:00-01:01 UTC');
    expect(parseSnapshotSchedule('2330;14;America/New_York;mon,wed,fri')?.at.text).to.equal('Mon,Wed,Fri 23:30-23:31 America/New_York');
    expect(parseSnapshotSchedule('2359;1;utc;weekdays')?.at.text).to.equal('Mon-Fri 23:59-00:00 UTC');
    for (const other of ['none', 'default', 'true', '0100;7;Mars/Olympus;all', '0100;7;utc;someday', '']) {
      expect(parseSnapshotSchedule(other), other).to.equal(undefined);
    }
  });

  it('a snapshot of the latest scheduled run confirms the backup even when older than the age limit', () => {
    // Wednesday 2 December 2026, 12:00 UTC; a weekly Sunday 01:00 UTC schedule ran on 29 November.
    const now = new Date('2026-12-02T12:00:00Z');
    const weekly = parseSnapshotSchedule('0100;28;utc;sun');
    expect(oldestAcceptable(now, 24 * HOUR, weekly).toISOString()).to.equal('2026-11-29T00:00:00.000Z');
    // A daily schedule ran today at 01:00: the age limit (24 h back) is the looser one.
    expect(oldestAcceptable(now, 24 * HOUR, parseSnapshotSchedule('0100;7;utc;all')).toISOString()).to.equal('2026-12-01T12:00:00.000Z');
    expect(oldestAcceptable(now, 24 * HOUR, undefined).toISOString()).to.equal('2026-12-01T12:00:00.000Z');
  });
});
