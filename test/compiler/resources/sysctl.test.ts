import { itRefuses, type RefusedCase } from '../../support/resource-cases.ts';
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sysctl } from '../../../index.ts';
import { namespacedRoot, type NamespacedRoot } from '../../support/namespaced-root.ts';
import { assertConverges, checkWritesNothing, explain, planOf, runPlan, statuses } from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';

/** Bad input, refused at compile time: the props and the field the error names. */
const REFUSED: readonly RefusedCase[] = [
  ['a file name with a slash', { name: '../x', settings: { 'kernel.msgmax': 1 } }, /^sysctl\.name$/],
  ['a file name with .conf', { name: '60-x.conf', settings: { 'kernel.msgmax': 1 } }, /^sysctl\(60-x\.conf\)\.name$/],
  ['no settings', { name: 'x', settings: {} }, /^sysctl\(x\)\.settings$/],
  ['a key without a dot', { name: 'x', settings: { msgmax: 1 } }, /^sysctl\(x\)\.settings\.msgmax$/],
  ['a key with a space', { name: 'x', settings: { 'kernel.msg max': 1 } }, /\.settings\.kernel\.msg max$/],
  ['a key that is an option', { name: 'x', settings: { '-kernel.msgmax': 1 } }, /\.settings\.-kernel\.msgmax$/],
  ['a key with a glob', { name: 'x', settings: { 'net.ipv4.conf.*.rp_filter': 1 } }, /\.settings\.net\.ipv4\.conf\.\*\.rp_filter$/],
  ['a fraction', { name: 'x', settings: { 'kernel.msgmax': 1.5 } }, /\.settings\.kernel\.msgmax$/],
  ['a value on two lines', { name: 'x', settings: { 'kernel.domainname': 'a\nb' } }, /\.settings\.kernel\.domainname$/],
  ['a value with a trailing blank', { name: 'x', settings: { 'kernel.domainname': 'a ' } }, /\.settings\.kernel\.domainname$/],
  ['an empty value', { name: 'x', settings: { 'kernel.domainname': '' } }, /\.settings\.kernel\.domainname$/],
];

describe('compiler/resources/sysctl: bad input fails before anything runs, naming the field', () => {
  itRefuses(sysctl, REFUSED);
});

// The namespaced root keeps these parameters away from this machine: kernel.msgmax and kernel.sem
// belong to the IPC namespace, kernel.domainname to the UTS namespace.
describe('compiler/resources/sysctl on a Debian root (chroot, own namespaces) @integration', function () {
  this.timeout(patience(60_000));
  let root: NamespacedRoot;
  beforeEach(async () => (root = await namespacedRoot()));
  afterEach(() => root?.dispose());
  const live = (key: string): Promise<string> => root.exec(`cat /proc/sys/${key.replaceAll('.', '/')}`);
  const conf = (name: string): Promise<string> => readFile(join(root.root, 'etc/sysctl.d', `${name}.conf`), 'utf8');

  it('writes the file and sets the live values, a list of numbers compared whatever blanks the kernel prints', async () => {
    const settings = { 'kernel.msgmax': 12345, 'kernel.sem': '250  32000 100\t200', 'kernel.domainname': 'bosun test #1' };
    const runs = await assertConverges(planOf([sysctl({ name: '60-bosun', settings })]), root.transport, root.tree);
    expect(await conf('60-bosun')).to.equal(
      '# Managed by bosun.\nkernel.msgmax = 12345\nkernel.sem = 250  32000 100\t200\nkernel.domainname = bosun test #1\n',
    );
    expect(await live('kernel.msgmax')).to.equal('12345\n');
    expect(await live('kernel.sem')).to.equal('250\t32000\t100\t200\n');
    expect(await live('kernel.domainname')).to.equal('bosun test #1\n');
    expect(runs.check.steps[0]!.diff).to.contain('+kernel.msgmax = 12345').and.to.contain('+# live value: kernel.msgmax = 12345');
    expect(runs.check.steps[0]!.diff).to.match(/-# live value: kernel\.msgmax = \d+\n/);
  });

  it('a live value changed by hand is set again, and the diff names it; the file is not rewritten', async () => {
    const plan = planOf([sysctl({ name: '60-bosun', settings: { 'kernel.msgmax': 12345 } })]);
    await runPlan(plan, root.transport, 'apply');
    await root.exec('echo 9999 >/proc/sys/kernel/msgmax');
    const tree = await root.tree();
    const check = await checkWritesNothing(plan, root.transport, root.tree);
    expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
    expect(check.steps[0]!.diff).to.contain('-# live value: kernel.msgmax = 9999').and.to.contain('+# live value: kernel.msgmax = 12345');
    expect(check.steps[0]!.diff).not.to.match(/^[-+]kernel/m);
    const apply = await runPlan(plan, root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
    expect(await live('kernel.msgmax')).to.equal('12345\n');
    expect(await root.tree()).to.deep.equal(tree);
  });

  it('a live value already right: only the file is written', async () => {
    const current = Number((await live('kernel.msgmni')).trim());
    await assertConverges(planOf([sysctl({ name: '61-same', settings: { 'kernel.msgmni': current } })]), root.transport, root.tree);
    expect(await conf('61-same')).to.equal(`# Managed by bosun.\nkernel.msgmni = ${current}\n`);
  });

  it('a parameter this kernel lacks fails in check mode too, naming it, and nothing is written', async () => {
    const plan = planOf([sysctl({ name: '62-none', settings: { 'kernel.msgmax': 12345, 'kernel.bosun_nonexistent': 1 } })]);
    for (const mode of ['check', 'apply'] as const) {
      const before = await root.tree();
      const run = await runPlan(plan, root.transport, mode);
      expect(statuses(run), explain(run)).to.deep.equal(['failed']);
      expect(run.steps[0]!.output).to.contain('this kernel has no parameter kernel.bosun_nonexistent');
      expect(await root.tree()).to.deep.equal(before);
    }
  });

  it('a value the kernel refuses fails the step and no file keeps it for the next boot', async () => {
    const run = await runPlan(planOf([sysctl({ name: '63-bad', settings: { 'kernel.msgmax': 'lots' } })]), root.transport, 'apply');
    expect(statuses(run), explain(run)).to.deep.equal(['failed']);
    expect(run.steps[0]!.output).to.contain('the kernel refused kernel.msgmax = lots');
    expect(await conf('63-bad').catch(() => 'missing')).to.equal('missing');
  });
});
