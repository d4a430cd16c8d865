import { ValidationError } from '../errors.ts';

/**
 * A maintenance window: days of the week, a span of wall-clock time on those days, and the
 * time zone the clock is read in. Written `Wed 01:15-01:55 America/New_York`,
 * `Mon-Fri 05:00-12:45 America/New_York`, `Sat,Sun 22:00-02:00 UTC` (past midnight: it ends
 * the next morning) or `Sun *` (the whole day). Without a zone, the clock is UTC's.
 */
export interface PatchWindow {
  /** The text it was read from. */
  readonly text: string;
  /** Days it opens on, 0 = Sunday … 6 = Saturday. */
  readonly days: ReadonlySet<number>;
  /** Minutes after local midnight it opens. */
  readonly start: number;
  /** Minutes after local midnight it closes; at or before `start`, the next day. 1440 = midnight. */
  readonly end: number;
  readonly zone: string;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Parses a window; errors name `field` (e.g. `host stats: patch_window`) and say what was expected. */
export function parseWindow(text: string, field = 'patch_window'): PatchWindow {
  const words = text.trim().split(/\s+/);
  if (words.length < 2 || words.length > 3 || words[0] === '') {
    throw new ValidationError(
      field,
      `${JSON.stringify(text)} is not a window: expected DAYS TIME-TIME [ZONE], e.g. "Wed 01:15-01:55 America/New_York" or "Sun *"`,
    );
  }
  const [daysText, spanText, zone = 'UTC'] = words as [string, string, string?];
  const days = parseDays(daysText, text, field);
  const [start, end] = spanText === '*' ? [0, 1440] : parseSpan(spanText, text, field);
  if (!isTimeZone(zone))
    throw new ValidationError(
      field,
      `${JSON.stringify(text)}: unknown time zone ${JSON.stringify(zone)} (an IANA name such as America/New_York, or UTC)`,
    );
  return { text: text.trim(), days, start, end, zone };
}

function parseDays(text: string, whole: string, field: string): Set<number> {
  const days = new Set<number>();
  for (const item of text.split(',')) {
    const [from, to, extra] = item.split('-');
    if (extra !== undefined || from === undefined || from === '')
      throw new ValidationError(field, `${JSON.stringify(whole)}: ${JSON.stringify(item)} is not a day or a range of days such as Mon-Fri`);
    const first = dayNumber(from, whole, field);
    const last = to === undefined ? first : dayNumber(to, whole, field);
    // A range may wrap the week's end (Fri-Mon).
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return days;
}

function dayNumber(name: string, whole: string, field: string): number {
  const day = DAY_NAMES.indexOf(name.toLowerCase());
  if (day < 0)
    throw new ValidationError(
      field,
      `${JSON.stringify(whole)}: unknown day ${JSON.stringify(name)} (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)`,
    );
  return day;
}

function parseSpan(text: string, whole: string, field: string): [number, number] {
  const match = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text);
  if (match === null)
    throw new ValidationError(
      field,
      `${JSON.stringify(whole)}: ${JSON.stringify(text)} is not a span of time such as 01:15-01:55 (or * for the whole day)`,
    );
  const start = minutes(match[1]!, match[2]!, whole, field);
  const end = minutes(match[3]!, match[4]!, whole, field);
  if (start === end)
    throw new ValidationError(field, `${JSON.stringify(whole)}: the window opens and closes at the same time (use * for the whole day)`);
  if (start === 1440) throw new ValidationError(field, `${JSON.stringify(whole)}: a window cannot open at 24:00`);
  return [start, end];
}

function minutes(hours: string, mins: string, whole: string, field: string): number {
  const h = Number(hours);
  const m = Number(mins);
  if (h > 24 || m > 59 || (h === 24 && m !== 0))
    throw new ValidationError(field, `${JSON.stringify(whole)}: ${hours}:${mins} is not a time of day (00:00 to 24:00)`);
  return h * 60 + m;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether a window is open at an instant, and when it closes (or next opens). */
export type WindowState = { readonly open: true; readonly closesAt: Date } | { readonly open: false; readonly opensAt: Date };

/**
 * The state of a window at `now`. Wall-clock times are read in the window's zone at the
 * instant itself, so a window keeps its local times across a DST change: on the night the
 * clocks go forward a window spanning the gap is an hour shorter, on the night they go back
 * one spanning the repeated hour is longer. A time the clocks skip is reached when they jump
 * past it; a window inside the repeated hour opens once, the first time round.
 */
export function windowState(window: PatchWindow, now: Date): WindowState {
  const t = now.getTime();
  const spans = openings(window, t);
  const current = spans.find((span) => span.open <= t && t < span.close);
  if (current !== undefined) return { open: true, closesAt: new Date(current.close) };
  const next = spans.find((span) => span.open > t);
  return { open: false, opensAt: new Date(next?.open ?? t) };
}

/** The last time the window opened at or before `now` (within the past eight days), if it did. */
export function lastOpening(window: PatchWindow, now: Date): Date | undefined {
  const t = now.getTime();
  const past = openings(window, t).filter((span) => span.open <= t);
  return past.length === 0 ? undefined : new Date(past[past.length - 1]!.open);
}

/** The window's openings and closings from eight days before `t` to eight after, in order. */
function openings(window: PatchWindow, t: number): { open: number; close: number }[] {
  const today = wallClock(t, window.zone);
  const spans: { open: number; close: number }[] = [];
  for (let offset = -8; offset <= 8; offset += 1) {
    const date = addDays(today, offset);
    if (!window.days.has(date.weekday)) continue;
    const open = instantAt(date, window.start, window.zone, t - 9 * DAY_MS);
    const close = instantAt(window.end > window.start ? date : addDays(date, 1), window.end, window.zone, open);
    spans.push({ open, close });
  }
  return spans;
}

const DAY_MS = 86_400_000;

interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `zone` at instant `t`. */
function wallClock(t: number, zone: string): LocalDate & { readonly minutes: number } {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((part) => [part.type, part.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  return {
    year,
    month,
    day,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** Minutes of a local wall clock as if it were UTC: the same number line for every zone. */
function asUtc(date: LocalDate, minutes: number): number {
  return Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
}

/** How far the zone's wall clock is ahead of UTC at instant t, in ms. */
function offsetAt(t: number, zone: string): number {
  const wall = wallClock(t, zone);
  const seconds = new Date(t).getUTCSeconds() * 1000 + new Date(t).getUTCMilliseconds();
  return asUtc(wall, wall.minutes) + seconds - t;
}

/** The zone's wall clock at instant t, on the same number line as asUtc. */
function wallAt(t: number, zone: string): number {
  const wall = wallClock(t, zone);
  return asUtc(wall, wall.minutes);
}

/**
 * The instant the zone's wall clock reads `minutes` on `date`: the first one after `after`
 * when it reads so twice (the hour the clocks go back); when it never does (the hour they
 * skip), the instant it jumps past that time.
 */
function instantAt(date: LocalDate, minutes: number, zone: string, after: number): number {
  const wanted = asUtc(date, minutes);
  const offsets = new Set([offsetAt(wanted - DAY_MS, zone), offsetAt(wanted, zone), offsetAt(wanted + DAY_MS, zone)]);
  const candidates = [...offsets].map((offset) => wanted - offset).sort((a, b) => a - b);
  const exact = candidates.filter((t) => wallAt(t, zone) === wanted);
  if (exact.length > 0) return exact.find((t) => t > after) ?? exact[exact.length - 1]!;
  // In the gap: the first minute between the candidates at which the wall clock has passed it.
  let low = candidates[0]!;
  let high = candidates[candidates.length - 1]!;
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (wallAt(middle, zone) >= wanted) high = middle;
    else low = middle;
  }
  return high;
}

/** Reads a host's `patch_window` variable: one window or a list of them; none means any time. */
export function hostWindows(value: unknown, field: string): PatchWindow[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    const name = Array.isArray(value) ? `${field}[${i}]` : field;
    if (typeof item !== 'string')
      throw new ValidationError(name, `must be a window such as "Wed 01:15-01:55 America/New_York", got ${JSON.stringify(item)}`);
    return parseWindow(item, name);
  });
}

/** Formats an instant in a window's zone, for messages: `2026-03-11 01:15 America/New_York`. */
export function localTime(instant: Date, zone: string): string {
  const wall = wallClock(instant.getTime(), zone);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(Math.floor(wall.minutes / 60))}:${pad(wall.minutes % 60)} ${zone}`;
}

/** Whether a host with these windows may be patched at `now`: the open window that closes last, or why not. */
export interface WindowsNow {
  /** Why the host is skipped: outside every window, with the next opening. */
  readonly skip?: string;
  /** The window it is patched in, when it has any. */
  readonly text?: string;
  readonly closesAt?: Date;
  readonly zone?: string;
}

/** A host's windows at `now` (none: any time). */
export function windowsAt(windows: readonly PatchWindow[], now: Date): WindowsNow {
  if (windows.length === 0) return {};
  const states = windows.map((window) => ({ window, state: windowState(window, now) }));
  let best: { window: PatchWindow; closesAt: Date } | undefined;
  let next: { window: PatchWindow; opensAt: Date } | undefined;
  for (const { window, state } of states) {
    if (state.open && (best === undefined || state.closesAt > best.closesAt)) best = { window, closesAt: state.closesAt };
    if (!state.open && (next === undefined || state.opensAt < next.opensAt)) next = { window, opensAt: state.opensAt };
  }
  if (best !== undefined) return { text: best.window.text, closesAt: best.closesAt, zone: best.window.zone };
  const opens = next === undefined ? '' : `; it next opens ${localTime(next.opensAt, next.window.zone)}`;
  const list = windows.map((w) => w.text).join('; ');
  return { skip: `outside its window${windows.length > 1 ? 's' : ''} (${list})${opens} (--ignore-windows to patch now)` };
}
