import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bosunMain } from '../support/bosun-main.ts';
import { patience } from '../support/patience.ts';

/** `bosun patch` refuses bad input before any host is touched: exit 1 and a message naming what is wrong. */
describe('bosun patch: bad input @integration', function () {
  this.timeout(patience(60_000));
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-patch-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // An SSH host nobody listens for: were bosun to try it, the error would be another one.
  const inventory = async (vars: string): Promise<string> => {
    const file = join(dir, 'hosts.ini');
    await writeFile(file, `[stats]\nstats ansible_host=127.0.0.1 ansible_port=9 ${vars}\n`);
    return file;
  };

  it('a window that cannot be read names the host and the variable', async () => {
    const run = await bosunMain(
      'patch',
      'apply',
      '-i',
      await inventory('patch_window="Wdn 01:15-01:55 America/New_York"'),
      '--no-snapshot',
    );
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(
      'bosun: host stats: patch_window: "Wdn 01:15-01:55 America/New_York": unknown day "Wdn" (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)\n',
    );
    expect(run.stdout).to.equal('');
  });

  it('a baseline file that is missing or broken', async () => {
    const missing = await bosunMain('patch', 'apply', '-i', await inventory(''), '--baseline', join(dir, 'none.json'));
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^bosun: --baseline: cannot read .*none\.json: ENOENT/);
    const file = join(dir, 'baseline.json');
    await writeFile(file, '{"format": 2}');
    const broken = await bosunMain('patch', 'apply', '-i', await inventory(''), '--baseline', file);
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.equal(`bosun: ${file}: format: must be 1, got 2\n`);
  });

  it('a limit that matches no host, an unknown --reboot, a bad number', async () => {
    const inv = await inventory('');
    const limit = await bosunMain('patch', 'scan', '-i', inv, '-l', 'web');
    expect([limit.code, limit.stderr]).to.deep.equal([1, 'bosun: --limit web matches no host of the inventory\n']);
    const reboot = await bosunMain('patch', 'apply', '-i', inv, '--reboot', 'sometimes');
    expect(reboot.code).to.equal(1);
    expect(reboot.stderr).to.match(
      /option '--reboot <when>' argument 'sometimes' is invalid\. Allowed choices are required, always, never/,
    );
    const soak = await bosunMain('patch', 'apply', '-i', inv, '--no-snapshot', '--reboot-timeout', 'soon');
    expect([soak.code, soak.stderr]).to.deep.equal([1, 'bosun: --reboot-timeout: expected a whole number >= 1, got "soon"\n']);
  });
});
