import { expect } from 'chai';
import { hostPatchConfig } from '../../../compiler/patch/host-config.ts';
import type { Host } from '../../../compiler/host.ts';

const host = (vars: Record<string, unknown>): Host => ({ name: 'master', groups: ['all'], vars, connection: { transport: 'local' } });

describe("a host's patch variables", () => {
  it('reads windows, restarts in order, and health checks split into URLs and commands', () => {
    const config = hostPatchConfig(
      host({
        patch_window: 'Mon-Fri 05:00-12:45 America/New_York',
        patch_restart: 'redis, app ,nginx',
        patch_health: ['https://master.example/health', 'systemctl is-active solr'],
      }),
    );
    expect(config.windows.map((w) => w.text)).to.deep.equal(['Mon-Fri 05:00-12:45 America/New_York']);
    expect(config.restarts).to.deep.equal(['redis', 'app', 'nginx']);
    expect(config.healthUrls).to.deep.equal(['https://master.example/health']);
    expect(config.healthCommands).to.deep.equal(['systemctl is-active solr']);
  });

  it('the command line wins over the inventory', () => {
    const config = hostPatchConfig(host({ patch_restart: ['redis'], patch_health: 'true' }), { restarts: ['nginx'], health: ['false'] });
    expect(config.restarts).to.deep.equal(['nginx']);
    expect(config.healthCommands).to.deep.equal(['false']);
  });

  it('bad values name the host and the variable', () => {
    expect(() => hostPatchConfig(host({ patch_window: 'Wed 1:15' }))).to.throw(
      /^host master: patch_window: "Wed 1:15": "1:15" is not a span/,
    );
    expect(() => hostPatchConfig(host({ patch_restart: [3] }))).to.throw(/^host master: patch_restart: must be a list of names, got \[3\]/);
  });
});
