import { expect } from 'chai';
import { readdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Io, prepare, runPlaybook } from '../../cli/run-command.ts';
import type { RunOptions } from '../../cli/options.ts';
import { tempDir } from '../support/plan-harness.ts';
import { rejection } from '../support/thrown.ts';
import { patience } from '../support/patience.ts';

const FILES = resolve('test/fixtures/playbooks/files.ts');

/** The options of `bosun check FILES -e root=ROOT --no-typecheck`, with `changes` on top. */
function options(root: string, changes: Partial<RunOptions> = {}): RunOptions {
  return {
    inventories: [],
    tags: [],
    skipTags: [],
    step: false,
    verbosity: 0,
    extraVars: { root },
    diff: false,
    forks: 10,
    acceptNewHostKeys: false,
    askBecomePass: false,
    detailedExitcode: false,
    typecheck: false,
    ...changes,
  };
}

/** An Io that collects what a run prints (not a terminal). */
function collected(signal?: AbortSignal): Io & { readonly out: () => string } {
  let out = '';
  return { stdout: (text) => (out += text), stderr: (text) => (out += text), isTTY: false, ...(signal && { signal }), out: () => out };
}

describe('cli/run-command (check and apply, from playbook to exit code)', function () {
  this.timeout(patience(60_000));
  let root: string;
  let dispose: () => Promise<void>;
  beforeEach(async () => ({ dir: root, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('check: a line per step, a recap, a JSON report, exit 2, and nothing written', async () => {
    const io = collected();
    const reports = await tempDir();
    try {
      const json = `${reports.dir}/report.json`;
      expect(await runPlaybook(FILES, 'check', options(root, { json }), io), io.out()).to.equal(2);
      expect(io.out()).to.match(/^would-change +localhost +file .*\/etc\/motd$/m);
      expect(io.out()).to.contain('\nRECAP (check)\nlocalhost  ok=0 would-change=3 unknown=0 failed=0 skipped=0\n');
      expect(await readdir(root)).to.deep.equal([]);
      const report = JSON.parse(await readFile(json, 'utf8'));
      expect([report.mode, report.exitCode, report.playbook, report.notRun]).to.deep.equal(['check', 2, FILES, []]);
    } finally {
      await reports.dispose();
    }
  });

  it('apply: exit 0 whether or not it changed; 2 for a change only with detailed exit codes', async () => {
    const first = collected();
    expect(await runPlaybook(FILES, 'apply', options(root), first), first.out()).to.equal(0);
    expect(first.out()).to.contain('\nRECAP (apply)\nlocalhost  ok=0 changed=3 failed=0 skipped=0\n');
    expect(await readFile(`${root}/etc/motd`, 'utf8')).to.equal('welcome to bosun\n');
    await rm(`${root}/etc/motd`);
    expect(await runPlaybook(FILES, 'apply', options(root, { detailedExitcode: true }), collected())).to.equal(2);
    expect(await runPlaybook(FILES, 'apply', options(root, { detailedExitcode: true }), collected())).to.equal(0);
  });

  it('a failed step: exit 4, the step named, with its exit code beneath', async () => {
    const io = collected();
    expect(await runPlaybook(FILES, 'apply', options(root, { extraVars: { root, fail: 'true' } }), io)).to.equal(4);
    expect(io.out()).to.match(/^failed +localhost +command false\n {4}rc=1$/m);
    expect(io.out(), io.out()).to.match(/^localhost +ok=0 changed=3 failed=1 skipped=0 {2}FAILED$/m);
  });

  it('a listing prints and runs nothing', async () => {
    const io = collected();
    expect(await runPlaybook(FILES, 'apply', options(root, { listing: 'hosts' }), io)).to.equal(0);
    expect(io.out()).to.contain('hosts (1):\n      localhost\n');
    expect(io.out()).not.to.contain('RECAP');
    expect(await readdir(root)).to.deep.equal([]);
  });

  it('an interrupt before the hosts start: none runs, the recap says so, exit 128 + the signal', async () => {
    const io = collected(AbortSignal.abort('SIGTERM'));
    expect(await runPlaybook(FILES, 'apply', options(root), io), io.out()).to.equal(143);
    expect(io.out()).to.contain('interrupted by SIGTERM: 1 host(s) not run (localhost)\n');
    expect(await readdir(root)).to.deep.equal([]);
  });

  it('--step is refused with --out, and without a terminal to ask on, before the playbook is read', async () => {
    const missing = `${root}/no-such-playbook.ts`;
    const withOut = await rejection(() => runPlaybook(missing, 'check', options(root, { step: true, out: `${root}/plan` }), collected()));
    expect(withOut).to.include({ field: '--step' });
    expect(withOut.message).to.contain('cannot be saved with --out');
    const noTerminal = await rejection(() => runPlaybook(missing, 'apply', options(root, { step: true }), collected()));
    expect(noTerminal).to.include({ field: '--step' });
    expect(noTerminal.message).to.contain('stdin is not one');
  });

  it('prepare: a playbook that compiles to bad input is an error naming the playbook file, and nothing runs', async () => {
    const error = await rejection(() => prepare(FILES, options('relative/dir')));
    expect(error.message).to.match(/must be an absolute path/);
    expect(error.file).to.equal(FILES);
  });
});
