import { expect } from 'chai';
import { ValidationError } from '../../../compiler/errors.ts';
import { baselineDifferences, baselineRefusal, buildBaseline, parseBaseline } from '../../../compiler/patch/baseline.ts';

const request = { securityOnly: false, keptBack: false };
const created = new Date('2026-12-01T10:00:00Z');
const DAY = 86_400_000;
const baseline = buildBaseline('nonprod', created, request, [
  { host: 'n1', os: 'debian/bookworm', applied: { openssl: '3.0.15-1~deb12u1', libc6: '2.36-9+deb12u9' } },
  { host: 'n2', os: 'debian/bookworm', applied: { openssl: '3.0.15-1~deb12u1' } },
  { host: 'n3', os: 'ubuntu/jammy', applied: {} },
]);

describe('patch baselines', () => {
  it('keeps the versions each release got, and its hosts', () => {
    expect(baseline.releases).to.deep.equal({
      'debian/bookworm': { packages: { openssl: '3.0.15-1~deb12u1', libc6: '2.36-9+deb12u9' }, hosts: ['n1', 'n2'] },
      'ubuntu/jammy': { packages: {}, hosts: ['n3'] },
    });
    expect(baseline.createdAt).to.equal('2026-12-01T10:00:00.000Z');
  });

  it('two hosts of one release that got different versions make no baseline', () => {
    expect(() =>
      buildBaseline('nonprod', created, request, [
        { host: 'n1', os: 'debian/bookworm', applied: { openssl: '1' } },
        { host: 'n2', os: 'debian/bookworm', applied: { openssl: '2' } },
      ]),
    ).to.throw(ValidationError, /debian\/bookworm: openssl was installed at 1 on n1 but at 2 on n2/);
  });

  it('round-trips through its file, and a broken file names the field and the file', () => {
    expect(parseBaseline(JSON.stringify(baseline), 'b.json')).to.deep.equal(baseline);
    const broken = JSON.parse(JSON.stringify(baseline));
    broken.releases['debian/bookworm'].packages.openssl = 3;
    try {
      parseBaseline(JSON.stringify(broken), 'b.json');
      expect.fail('parsed');
    } catch (error) {
      expect((error as ValidationError).describe()).to.equal('b.json: releases.debian/bookworm.packages.openssl: must be a version, got 3');
    }
    expect(() => parseBaseline('{', 'b.json')).to.throw(/baseline: not JSON/);
    expect(() => parseBaseline(JSON.stringify({ ...baseline, createdAt: 'yesterday' }), 'b.json')).to.throw(
      /createdAt: must be an ISO 8601 time/,
    );
  });

  describe("prod's candidates against the baseline", () => {
    const installed = { openssl: '3.0.11-1~deb12u2', libc6: '2.36-9+deb12u7', bash: '5.2.15-2+b2' };
    it('match: every candidate at the baseline version', () => {
      expect(
        baselineDifferences('debian/bookworm', { openssl: '3.0.15-1~deb12u1', libc6: '2.36-9+deb12u9' }, installed, baseline),
      ).to.deep.equal([]);
    });
    it('a newer candidate, an extra candidate, a baseline package this host would not get, an unknown release', () => {
      expect(
        baselineDifferences('debian/bookworm', { openssl: '3.0.16-1~deb12u1', bash: '5.2.15-2+b3' }, installed, baseline),
      ).to.deep.equal([
        'openssl: the candidate here is 3.0.16-1~deb12u1, the baseline has 3.0.15-1~deb12u1',
        'bash 5.2.15-2+b3 is a candidate here but not in the baseline',
        'libc6: the baseline has 2.36-9+deb12u9, this host has 2.36-9+deb12u7 and would not get it',
      ]);
      expect(baselineDifferences('debian/trixie', {}, installed, baseline)).to.deep.equal([
        'the baseline has no patch set for debian/trixie (it has debian/bookworm, ubuntu/jammy)',
      ]);
    });
    it('a baseline package the host does not have, or has already, is no difference', () => {
      expect(
        baselineDifferences('debian/bookworm', { openssl: '3.0.15-1~deb12u1' }, { openssl: '3.0.11', libc6: '2.36-9+deb12u9' }, baseline),
      ).to.deep.equal([]);
      expect(baselineDifferences('debian/bookworm', { openssl: '3.0.15-1~deb12u1' }, { openssl: '3.0.11' }, baseline)).to.deep.equal([]);
    });
  });

  describe('soak time', () => {
    it('a baseline younger than the soak time is refused unless forced', () => {
      expect(baselineRefusal(baseline, request, new Date(created.getTime() + 3 * DAY), 7 * DAY, false)).to.equal(
        'the baseline from nonprod is 3.0 days old, less than the soak time of 7.0 days (--force to apply it anyway)',
      );
      expect(baselineRefusal(baseline, request, new Date(created.getTime() + 3 * DAY), 7 * DAY, true)).to.equal(undefined);
      expect(baselineRefusal(baseline, request, new Date(created.getTime() + 7 * DAY), 7 * DAY, false)).to.equal(undefined);
    });
    it('prod must ask for what non-prod did', () => {
      expect(
        baselineRefusal(baseline, { securityOnly: true, keptBack: false }, new Date(created.getTime() + 8 * DAY), 7 * DAY, false),
      ).to.equal('the baseline was applied as all updates, this run asks for --security-only: run with the same options');
    });
  });
});
