import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterUpgradeScript, bootIdScript, rebootScript, upgradeScript } from '../../../compiler/patch/apply-scripts.ts';
import type { PatchScript } from '../../../compiler/patch/patch-script.ts';
import { scanScript } from '../../../compiler/patch/scan-script.ts';
import { decodeData, parseFrame } from '../../../compiler/protocol.ts';

/** Every patch script, with values that need quoting. */
const SCRIPTS: Record<string, PatchScript> = {
  scan: scanScript({ refresh: false }),
  'scan --refresh': scanScript({ refresh: true }),
  upgrade: upgradeScript({ main: { kind: 'upgrade' }, keptBack: [{ name: 'libfoo2', version: '2' }], markAuto: [], leftKeptBack: [] }),
  'upgrade pinned': upgradeScript({
    main: { kind: 'install', packages: [{ name: 'libc6', version: '2.36-9+deb12u4' }] },
    keptBack: [],
    markAuto: ['libc6'],
    leftKeptBack: [],
  }),
  reboot: rebootScript(),
  'boot id': bootIdScript(),
  after: afterUpgradeScript({
    autoremove: true,
    restarts: ['redis', "it's $HOME"],
    healthCommands: ['curl -fsS "http://localhost/$(hostname)"'],
  }),
};

function shellcheck(script: string): string {
  const result = spawnSync('shellcheck', ['--norc', '-s', 'sh', '-'], { input: script, encoding: 'utf8' });
  return result.status === 0 ? '' : result.stdout + result.stderr;
}

/**
 * Runs a script with dash in check mode and returns its frames. Its PATH has only the few
 * tools the framing needs: no package manager, so nothing of this machine's is read.
 */
function runCheck(script: string): { t: string; part?: string; rc?: number; text?: string }[] {
  const bin = mkdtempSync(join(tmpdir(), 'bosun-patch-bin-'));
  for (const tool of ['base64', 'tail', 'tr', 'cat', 'uname', 'id', 'kill'])
    symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
  const dash = spawnSync('sh', ['-c', 'command -v dash'], { encoding: 'utf8' }).stdout.trim();
  const result = spawnSync(dash, ['-s', 'check'], { input: script, encoding: 'utf8', env: { PATH: bin } });
  rmSync(bin, { recursive: true, force: true });
  return result.stdout
    .split('\n')
    .map((line) => parseFrame(line))
    .filter((frame) => frame !== undefined)
    .map((frame) => (frame.t === 'patch' ? { t: frame.t, part: frame.part, rc: frame.rc, text: decodeData(frame.b64) } : { t: frame.t }));
}

describe('patch scripts', () => {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    it(`${name}: shellcheck -s sh finds nothing`, () => {
      expect(shellcheck(script.script)).to.equal('');
    });
  }

  it('quotes every value: a service name with a quote and a $ reaches systemctl as one word', () => {
    expect(SCRIPTS.after!.script).to.contain("systemctl restart 'it'\\''s $HOME'");
  });

  for (const name of ['upgrade', 'reboot', 'after']) {
    it(`${name} refuses to run in check mode: it sends why, writes nothing, and ends`, () => {
      const frames = runCheck(SCRIPTS[name]!.script);
      const parts = frames.filter((f) => f.t === 'patch');
      expect(parts).to.have.length(1);
      expect(parts[0]).to.include({ rc: 64, text: 'bosun: patching writes on the host: not in check mode\n' });
      expect(frames.at(-1)?.t).to.equal('end');
    });
  }

  it('scan --refresh in check mode sends the refusal as its refresh part and goes on reading', () => {
    const frames = runCheck(SCRIPTS['scan --refresh']!.script);
    expect(frames.find((f) => f.part === 'refresh')).to.include({ rc: 64 });
    expect(frames.some((f) => f.part === 'boot-id' || f.part === 'kernel')).to.equal(true);
    expect(frames.at(-1)?.t).to.equal('end');
  });
});
