import { expect } from 'chai';
import { ValidationError } from '../../../compiler/errors.ts';
import { hostWindows, localTime, parseWindow, windowState, windowsAt } from '../../../compiler/patch/window.ts';

const at = (iso: string): Date => new Date(iso);
const state = (text: string, iso: string) => {
  const result = windowState(parseWindow(text), at(iso));
  return result.open ? { open: true, closesAt: result.closesAt.toISOString() } : { open: false, opensAt: result.opensAt.toISOString() };
};

describe('patch windows', () => {
  describe('parsing', () => {
    it('reads the reference windows', () => {
      const stats = parseWindow('Wed 01:15-01:55 America/New_York');
      expect([...stats.days]).to.deep.equal([3]);
      expect([stats.start, stats.end, stats.zone]).to.deep.equal([75, 115, 'America/New_York']);
      const master = parseWindow('Mon-Fri 05:00-12:45 America/New_York');
      expect([...master.days].sort()).to.deep.equal([1, 2, 3, 4, 5]);
      const sunday = parseWindow('Sun *');
      expect([sunday.start, sunday.end, sunday.zone]).to.deep.equal([0, 1440, 'UTC']);
      expect([...parseWindow('Fri-Mon 22:00-02:00 UTC').days].sort()).to.deep.equal([0, 1, 5, 6]);
      expect([...parseWindow('sat,SUN 00:00-24:00').days].sort()).to.deep.equal([0, 6]);
    });

    const refused: [string, RegExp][] = [
      ['Wdn 01:15-01:55', /unknown day "Wdn"/],
      ['Wed 1:15', /not a span of time such as 01:15-01:55/],
      ['Wed 25:00-26:00', /25:00 is not a time of day/],
      ['Wed 01:15-01:15', /opens and closes at the same time/],
      ['Wed 01:15-01:55 Mars/Olympus', /unknown time zone "Mars\/Olympus"/],
      ['Wed', /expected DAYS TIME-TIME \[ZONE\]/],
      ['Mon-Wed-Fri 01:00-02:00', /"Mon-Wed-Fri" is not a day or a range/],
      ['Wed 24:00-01:00', /cannot open at 24:00/],
    ];
    for (const [text, problem] of refused) {
      it(`refuses ${JSON.stringify(text)}, naming the field`, () => {
        try {
          parseWindow(text, 'host stats: patch_window');
          expect.fail('parsed');
        } catch (error) {
          expect(error).to.be.instanceOf(ValidationError);
          expect((error as Error).message).to.match(/^host stats: patch_window: /);
          expect((error as Error).message).to.match(problem);
        }
      });
    }

    it('reads a host variable: one window, a list, or none; anything else is refused by index', () => {
      expect(hostWindows(undefined, 'v')).to.deep.equal([]);
      expect(hostWindows('Sun *', 'v')).to.have.length(1);
      expect(hostWindows(['Sun *', 'Wed 01:15-01:55 America/New_York'], 'v')).to.have.length(2);
      expect(() => hostWindows(['Sun *', 7], 'host x: patch_window')).to.throw(/host x: patch_window\[1\]: must be a window/);
    });
  });

  describe('evaluation with a fixed clock', () => {
    it('Wednesday 01:15-01:55 in New York, in winter (EST, UTC-5)', () => {
      expect(state('Wed 01:15-01:55 America/New_York', '2026-12-02T06:30:00Z')).to.deep.equal({
        open: true,
        closesAt: '2026-12-02T06:55:00.000Z',
      });
      expect(state('Wed 01:15-01:55 America/New_York', '2026-12-02T06:55:00Z')).to.deep.equal({
        open: false,
        opensAt: '2026-12-09T06:15:00.000Z',
      });
      // 01:30 UTC on Wednesday is still Tuesday evening in New York.
      expect(state('Wed 01:15-01:55 America/New_York', '2026-12-02T01:30:00Z')).to.deep.equal({
        open: false,
        opensAt: '2026-12-02T06:15:00.000Z',
      });
    });

    it('the same window in summer (EDT, UTC-4) opens an hour earlier in UTC', () => {
      expect(state('Wed 01:15-01:55 America/New_York', '2026-07-01T05:20:00Z')).to.deep.equal({
        open: true,
        closesAt: '2026-07-01T05:55:00.000Z',
      });
      expect(state('Wed 01:15-01:55 America/New_York', '2026-07-01T06:20:00Z').open).to.equal(false);
    });

    it('weekday mornings: Friday evening in New York is Saturday in UTC, and the next opening is Monday', () => {
      expect(state('Mon-Fri 05:00-12:45 America/New_York', '2026-12-05T02:00:00Z')).to.deep.equal({
        open: false,
        opensAt: '2026-12-07T10:00:00.000Z',
      });
      expect(state('Mon-Fri 05:00-12:45 America/New_York', '2026-12-04T17:44:00Z')).to.deep.equal({
        open: true,
        closesAt: '2026-12-04T17:45:00.000Z',
      });
    });

    it('Sunday in Tokyo begins on Saturday in UTC and lasts the whole local day', () => {
      expect(state('Sun * Asia/Tokyo', '2026-12-05T16:00:00Z')).to.deep.equal({ open: true, closesAt: '2026-12-06T15:00:00.000Z' });
      expect(state('Sun * Asia/Tokyo', '2026-12-05T14:59:00Z')).to.deep.equal({ open: false, opensAt: '2026-12-05T15:00:00.000Z' });
      expect(state('Sun *', '2026-12-06T23:59:00Z')).to.deep.equal({ open: true, closesAt: '2026-12-07T00:00:00.000Z' });
    });

    it('a window past midnight is open early the next morning, and closes then', () => {
      expect(state('Sat 22:00-02:00 UTC', '2026-12-06T01:00:00Z')).to.deep.equal({ open: true, closesAt: '2026-12-06T02:00:00.000Z' });
      expect(state('Sat 22:00-02:00 UTC', '2026-12-06T02:00:00Z').open).to.equal(false);
    });

    it('clocks going forward (New York, 8 March 2026, 02:00 -> 03:00): a window across the gap is an hour shorter', () => {
      // 00:30 EST = 05:30Z; 03:30 EDT = 07:30Z: two hours of real time, not three.
      expect(state('Sun 00:30-03:30 America/New_York', '2026-03-08T05:45:00Z')).to.deep.equal({
        open: true,
        closesAt: '2026-03-08T07:30:00.000Z',
      });
      // A closing time the clocks skip (02:30) is reached when they jump past it, at 07:00Z.
      expect(state('Sun 01:30-02:30 America/New_York', '2026-03-08T06:45:00Z')).to.deep.equal({
        open: true,
        closesAt: '2026-03-08T07:00:00.000Z',
      });
      expect(state('Sun 01:30-02:30 America/New_York', '2026-03-08T07:00:00Z').open).to.equal(false);
    });

    it('clocks going back (New York, 1 November 2026, 02:00 -> 01:00): a window across the repeated hour is longer', () => {
      // 00:30 EDT = 04:30Z; 03:00 EST = 08:00Z: three and a half hours.
      expect(state('Sun 00:30-03:00 America/New_York', '2026-11-01T07:30:00Z')).to.deep.equal({
        open: true,
        closesAt: '2026-11-01T08:00:00.000Z',
      });
      // A window inside the repeated hour opens once, the first time round (01:15 EDT = 05:15Z).
      expect(state('Sun 01:15-01:55 America/New_York', '2026-11-01T05:30:00Z')).to.deep.equal({
        open: true,
        closesAt: '2026-11-01T05:55:00.000Z',
      });
      expect(state('Sun 01:15-01:55 America/New_York', '2026-11-01T06:30:00Z').open).to.equal(false);
    });

    it('southern hemisphere (Sydney, 4 October 2026, 02:00 -> 03:00)', () => {
      // Saturday 23:00 AEST = 13:00Z; Sunday 04:00 AEDT = 17:00Z.
      expect(state('Sat 23:00-04:00 Australia/Sydney', '2026-10-03T16:00:00Z')).to.deep.equal({
        open: true,
        closesAt: '2026-10-03T17:00:00.000Z',
      });
    });

    it('prints instants in the window zone for messages', () => {
      expect(localTime(at('2026-12-09T06:15:00Z'), 'America/New_York')).to.equal('2026-12-09 01:15 America/New_York');
    });
  });

  describe('a host with several windows', () => {
    const windows = [parseWindow('Wed 01:15-01:55 America/New_York'), parseWindow('Sun * America/New_York')];
    it('none: any time', () => {
      expect(windowsAt([], at('2026-12-02T12:00:00Z'))).to.deep.equal({});
    });
    it('inside one: that window and when it closes', () => {
      expect(windowsAt(windows, at('2026-12-02T06:30:00Z'))).to.deep.equal({
        text: 'Wed 01:15-01:55 America/New_York',
        closesAt: at('2026-12-02T06:55:00Z'),
        zone: 'America/New_York',
      });
    });
    it('outside all: skipped, with the next opening of any of them', () => {
      expect(windowsAt(windows, at('2026-12-03T12:00:00Z')).skip).to.equal(
        'outside its windows (Wed 01:15-01:55 America/New_York; Sun * America/New_York); it next opens 2026-12-06 00:00 America/New_York (--ignore-windows to patch now)',
      );
    });
  });
});
