import { expect } from 'chai';
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../compiler/errors.ts';
import { type SudoersProps, sudoers } from '../../roles/sudoers/index.ts';
import {
  assertConverges,
  compileRole,
  type DebianRoot,
  debianRoot,
  explain,
  renderChecked,
  runPlan,
  statuses,
} from '../../testing/index.ts';
import { testBaseRecipe } from '../support/debian-base.ts';
import { inRoot as inRootOf } from '../support/in-root.ts';
import { patience } from '../support/patience.ts';

/** The Blot deploy: the app's user restarts its service without a password, without a terminal. */
const BLOT: SudoersProps = {
  dropIns: [
    {
      name: 'blot',
      rules: [
        { line: 'Defaults:deploy !requiretty' },
        { who: 'deploy', runAs: 'root', noPassword: true, commands: ['/bin/systemctl restart blot', '/bin/systemctl status blot'] },
      ],
    },
  ],
};

describe('roles/sudoers', () => {
  it('comments out requiretty in /etc/sudoers and writes each drop-in root 0440, each through visudo -cf', () => {
    const plan = compileRole(sudoers(BLOT));
    expect(plan.steps.map((s) => s.name)).to.deep.equal([
      'package sudo present',
      'line /etc/sudoers: commented ^[[:space:]]*Defaults[[:space:]]+requiretty([[:space:]]|$)',
      'file /etc/sudoers.d/blot',
    ]);
    for (const step of plan.steps.slice(1)) expect(step.apply.text).to.match(/visudo -cf "\$_bosun_tmp"/);
    expect(plan.steps[2]!.diff?.desired).to.equal(
      '# Managed by bosun (role sudoers): local changes will be overwritten.\n' +
        'Defaults:deploy !requiretty\n' +
        'deploy ALL=(root) NOPASSWD: /bin/systemctl restart blot, /bin/systemctl status blot\n',
    );
    expect(plan.steps[2]!.apply.text).to.contain('chmod 440 "$_bosun_tmp"');
  });

  it("escapes sudoers' , : = and \\ inside commands, and defaults runAs to ALL:ALL", () => {
    const plan = compileRole(
      sudoers({
        install: false,
        commentRequiretty: false,
        dropIns: [{ name: 'x', rules: [{ who: '%adm', commands: ['/usr/bin/env A=b,c:d\\e'] }] }],
      }),
    );
    expect(plan.steps[0]!.diff?.desired).to.contain('%adm ALL=(ALL:ALL) /usr/bin/env A\\=b\\,c\\:d\\\\e\n');
  });

  it('an absent drop-in is removed; nothing else changes', () => {
    const plan = compileRole(sudoers({ install: false, commentRequiretty: false, dropIns: [{ name: 'old', state: 'absent' }] }));
    expect(plan.steps.map((s) => s.name)).to.deep.equal(['absent /etc/sudoers.d/old']);
  });

  const refused: readonly [string, unknown, string][] = [
    [
      'a drop-in name with a dot (sudo would skip it)',
      { dropIns: [{ name: 'blot.conf', rules: [{ line: 'x' }] }] },
      'sudoers.dropIns[0].name',
    ],
    [
      'the same drop-in twice',
      {
        dropIns: [
          { name: 'a', rules: [{ line: 'x' }] },
          { name: 'a', state: 'absent' },
        ],
      },
      'sudoers.dropIns[1].name',
    ],
    ['a drop-in without rules', { dropIns: [{ name: 'a', rules: [] }] }, 'sudoers.dropIns[0].rules'],
    ['rules on an absent drop-in', { dropIns: [{ name: 'a', state: 'absent', rules: [{ line: 'x' }] }] }, 'sudoers.dropIns[0].rules'],
    [
      'a rule line that continues onto the next',
      { dropIns: [{ name: 'a', rules: [{ line: 'Defaults env_keep += "A" \\' }] }] },
      'sudoers.dropIns[0].rules[0].line',
    ],
    ['a rule line with a line break', { dropIns: [{ name: 'a', rules: [{ line: 'a\nb' }] }] }, 'sudoers.dropIns[0].rules[0].line'],
    [
      'both line and who',
      { dropIns: [{ name: 'a', rules: [{ line: 'x', who: 'deploy', commands: 'ALL' }] }] },
      'sudoers.dropIns[0].rules[0]',
    ],
    [
      'a relative command',
      { dropIns: [{ name: 'a', rules: [{ who: 'deploy', commands: ['systemctl restart blot'] }] }] },
      'sudoers.dropIns[0].rules[0].commands[0]',
    ],
    ['a user with a blank', { dropIns: [{ name: 'a', rules: [{ who: 'de ploy', commands: 'ALL' }] }] }, 'sudoers.dropIns[0].rules[0].who'],
    [
      'a runAs that is not USER:GROUP',
      { dropIns: [{ name: 'a', rules: [{ who: 'deploy', runAs: 'root)ALL', commands: 'ALL' }] }] },
      'sudoers.dropIns[0].rules[0].runAs',
    ],
    ['an unknown state', { dropIns: [{ name: 'a', state: 'gone', rules: [{ line: 'x' }] }] }, 'sudoers.dropIns[0].state'],
    ['an unknown key', { requiretty: false }, 'sudoers.requiretty'],
  ];
  for (const [what, props, field] of refused) {
    it(`refuses ${what}, naming ${field}`, () => {
      expect(() => compileRole(sudoers(props as SudoersProps)))
        .to.throw(ValidationError)
        .with.property('field', field);
    });
  }
});

// On a Debian root whose /etc/sudoers has Amazon Linux's `Defaults requiretty`: sudo without a
// terminal is refused before and works after; visudo accepts the result; a broken rule never lands.
describe('roles/sudoers (chroot of Debian bookworm) @integration', function () {
  this.timeout(patience(10 * 60_000));
  let root: DebianRoot;
  const inRoot = (...argv: string[]) => inRootOf(root.root, ...argv);
  const sudoersFile = () => join(root.root, 'etc/sudoers');
  const dropIn = () => join(root.root, 'etc/sudoers.d/blot');
  const plan = () => compileRole(sudoers(BLOT), { host: root.host });

  before(async () => {
    root = await debianRoot(testBaseRecipe());
    const debian = await readFile(sudoersFile(), 'utf8');
    await writeFile(sudoersFile(), debian.replace('Defaults\tenv_reset', 'Defaults    requiretty\nDefaults\tenv_reset'));
    expect((await inRoot('visudo', '-c')).exitCode).to.equal(0);
  });
  after(() => root?.dispose());

  it('without a terminal, sudo is refused while requiretty is on', async () => {
    const refused = await inRoot('sudo', '-n', '-u', 'deploy', 'true');
    expect(refused.exitCode).to.equal(1);
    expect(refused.all).to.contain('you must have a tty');
  });

  it('converges: requiretty commented out, the drop-in root 0440; visudo -c accepts all; sudo works without a terminal', async () => {
    const p = plan();
    renderChecked(p);
    const runs = await assertConverges(p, root, { check: ['ok', 'would-change', 'would-change'], apply: ['ok', 'changed', 'changed'] });
    expect(runs.check.steps[1]!.diff).to.contain('-Defaults    requiretty').and.to.contain('+#Defaults    requiretty');
    expect(await readFile(sudoersFile(), 'utf8')).to.match(/^#Defaults {4}requiretty$/m);
    const mode = await stat(dropIn());
    expect([mode.mode & 0o777, mode.uid, mode.gid]).to.deep.equal([0o440, 0, 0]);
    const visudo = await inRoot('visudo', '-c');
    expect(visudo.exitCode, visudo.all).to.equal(0);
    expect(visudo.all).to.contain('/etc/sudoers.d/blot: parsed OK');
    const ran = await inRoot('sudo', '-n', '-u', 'deploy', 'sudo', '-n', '-l', '/bin/systemctl', 'restart', 'blot');
    expect(ran.exitCode, ran.all).to.equal(0);
  });

  it('a deliberately broken rule never lands: visudo refuses it, the old drop-in and sudo keep working', async () => {
    const old = await readFile(dropIn(), 'utf8');
    const broken = compileRole(
      sudoers({
        install: false,
        commentRequiretty: false,
        dropIns: [{ name: 'blot', rules: [{ line: 'deploy ALL=(root NOPASSWD: ALL' }] }],
      }),
      { host: root.host },
    );
    const check = await runPlan(broken, root.transport, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
    const run = await runPlan(broken, root.transport, 'apply');
    expect(statuses(run), explain(run)).to.deep.equal(['failed']);
    expect(run.steps[0]!.output).to.contain('syntax error').and.to.contain('validation refused the new content of /etc/sudoers.d/blot');
    expect(await readFile(dropIn(), 'utf8')).to.equal(old);
    expect(await readdir(join(root.root, 'etc/sudoers.d'))).to.have.members(['README', 'bosun-test', 'blot']);
    expect((await inRoot('visudo', '-c')).exitCode).to.equal(0);
    expect((await inRoot('sudo', '-n', '-u', 'deploy', 'true')).exitCode).to.equal(0);
  });

  it('a hand edit and a mode change are drift with a diff; the apply repairs them', async () => {
    await writeFile(dropIn(), (await readFile(dropIn(), 'utf8')).replace('NOPASSWD: ', ''));
    let check = await runPlan(plan(), root.transport, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['ok', 'ok', 'would-change']);
    expect(check.steps[2]!.diff)
      .to.contain('-deploy ALL=(root) /bin/systemctl')
      .and.to.contain('+deploy ALL=(root) NOPASSWD: /bin/systemctl');
    expect(statuses(await runPlan(plan(), root.transport, 'apply'))).to.deep.equal(['ok', 'ok', 'changed']);
    await chmod(dropIn(), 0o644);
    check = await runPlan(plan(), root.transport, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['ok', 'ok', 'would-change']);
    expect(check.steps[2]!.diff).to.contain('-mode 644\n+mode 440\n owner root\n group root\n');
    expect(statuses(await runPlan(plan(), root.transport, 'apply'))).to.deep.equal(['ok', 'ok', 'changed']);
    expect((await stat(dropIn())).mode & 0o777).to.equal(0o440);
  });
});
