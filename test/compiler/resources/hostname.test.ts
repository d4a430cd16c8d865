import { itRefuses, type RefusedCase } from '../../support/resource-cases.ts';
import { expect } from 'chai';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from '../../../index.ts';
import { namespacedRoot, type NamespacedRoot } from '../../support/namespaced-root.ts';
import { assertConverges, checkWritesNothing, explain, planOf, runPlan, statuses } from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';

/** A rename: /etc/hosts before (undefined: no file) and after. */
interface RenameCase {
  readonly what: string;
  readonly props: Parameters<typeof hostname>[0];
  readonly hosts?: string;
  readonly hostsAfter: string;
}

const DEBIAN_HOSTS = '127.0.0.1\tlocalhost\n127.0.1.1\tsupport\n\n# IPv6\n::1     localhost ip6-localhost ip6-loopback\n';

const RENAMES: readonly RenameCase[] = [
  {
    what: 'a root without /etc/hosts gets one with the 127.0.1.1 line',
    props: { name: 'supporttest' },
    hostsAfter: '127.0.1.1\tsupporttest\n',
  },
  {
    what: "Debian's 127.0.1.1 line is replaced, every other line kept",
    props: { name: 'supporttest' },
    hosts: DEBIAN_HOSTS,
    hostsAfter: DEBIAN_HOSTS.replace('127.0.1.1\tsupport\n', '127.0.1.1\tsupporttest\n'),
  },
  {
    what: 'with fqdn, the line names it first',
    props: { name: 'supporttest', fqdn: 'supporttest.example.org' },
    hosts: DEBIAN_HOSTS,
    hostsAfter: DEBIAN_HOSTS.replace('127.0.1.1\tsupport\n', '127.0.1.1\tsupporttest.example.org\tsupporttest\n'),
  },
  {
    what: 'without a 127.0.1.1 line, it goes after the first 127.0.0.1 line',
    props: { name: 'web-1' },
    hosts: '# hosts\n127.0.0.1 localhost\n127.0.0.1 other\n',
    hostsAfter: '# hosts\n127.0.0.1 localhost\n127.0.1.1\tweb-1\n127.0.0.1 other\n',
  },
  {
    what: 'a 127.0.1.1 line that already names the host is kept as written (blanks, comment)',
    props: { name: 'web-1', fqdn: 'web-1.example.org' },
    hosts: '127.0.0.1 localhost\n127.0.1.1   web-1.example.org  web-1   # set by hand\n127.0.1.1 later\n',
    hostsAfter: '127.0.0.1 localhost\n127.0.1.1   web-1.example.org  web-1   # set by hand\n127.0.1.1 later\n',
  },
];

const REFUSED: readonly RefusedCase[] = [
  ['an empty name', { name: '' }, /^hostname\.name$/],
  ['a name with a space', { name: 'web 1' }, /^hostname\.name$/],
  ['a name with an underscore', { name: 'web_1' }, /^hostname\.name$/],
  ['a leading hyphen (an option)', { name: '-web' }, /^hostname\.name$/],
  ['a trailing dot', { name: 'web.' }, /^hostname\.name$/],
  ['a name over 64 characters', { name: 'a'.repeat(65) }, /^hostname\.name$/],
  ['a label over 63 characters', { name: `${'a'.repeat(64)}.b`, fqdn: 'x' }, /^hostname\.name$/],
  ['a bad fqdn', { name: 'web', fqdn: 'web..example.org' }, /^hostname\(web\)\.fqdn$/],
];

describe('compiler/resources/hostname: bad input fails before anything runs, naming the field', () => {
  itRefuses(hostname, REFUSED);
});

// The root's own UTS namespace: the running name it sets is never this machine's.
describe('compiler/resources/hostname on a Debian root (chroot, own namespaces) @integration', function () {
  this.timeout(patience(60_000));
  let root: NamespacedRoot;
  beforeEach(async () => (root = await namespacedRoot()));
  afterEach(() => root?.dispose());
  const at = (path: string): string => join(root.root, path);

  for (const c of RENAMES) {
    it(c.what, async () => {
      if (c.hosts === undefined) await rm(at('etc/hosts'), { force: true });
      else await writeFile(at('etc/hosts'), c.hosts);
      const runs = await assertConverges(planOf([hostname(c.props)]), root.transport, root.tree);
      expect(await readFile(at('etc/hostname'), 'utf8')).to.equal(`${c.props.name}\n`);
      expect(await readFile(at('etc/hosts'), 'utf8')).to.equal(c.hostsAfter);
      expect(await root.exec('hostname; uname -n')).to.equal(`${c.props.name}\n${c.props.name}\n`);
      expect(runs.check.steps[0]!.diff).to.contain(`+/etc/hostname: ${c.props.name}\n`).and.to.contain(`+running: ${c.props.name}\n`);
    });
  }

  it('only the running name differs: would-change, the diff shows that alone, the apply writes no file', async () => {
    await writeFile(at('etc/hosts'), DEBIAN_HOSTS);
    const plan = planOf([hostname({ name: 'support' })]);
    await runPlan(plan, root.transport, 'apply');
    await root.exec('hostname somebody-else');
    const tree = await root.tree();
    const check = await checkWritesNothing(plan, root.transport, root.tree);
    expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
    expect(check.steps[0]!.diff).to.contain('-running: somebody-else\n+running: support\n');
    expect(check.steps[0]!.diff).not.to.match(/^[-+]\/etc/m);
    const apply = await runPlan(plan, root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
    expect(await root.exec('uname -n')).to.equal('support\n');
    expect(await root.tree()).to.deep.equal(tree);
  });
});
