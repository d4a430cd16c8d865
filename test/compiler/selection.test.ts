import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BosunError } from '../../compiler/errors.ts';
import type { Plan } from '../../compiler/plan.ts';
import { assertSelectionMatches, nameMatches, selectSteps, tagsSelect } from '../../compiler/selection.ts';
import { code } from '../../compiler/shell.ts';
import type { Step } from '../../compiler/step.ts';
import { thrown } from '../support/thrown.ts';
import { patience } from '../support/patience.ts';

const run = promisify(execFile);

/** Tasks (by name) with the tags that make Ansible's selection interesting. */
const TASKS: Record<string, string[]> = {
  plain: [],
  a: ['a'],
  ab: ['a', 'b'],
  b: ['b'],
  always: ['always'],
  alwaysB: ['always', 'b'],
  never: ['never'],
  neverA: ['never', 'a'],
};

/** `--tags` / `--skip-tags` pairs, special tags included. */
const SELECTIONS: [string[], string[]][] = [
  [[], []],
  [['a'], []],
  [['b'], ['a']],
  [[], ['b']],
  [['tagged'], []],
  [['untagged'], []],
  [['all'], ['always']],
  [[], ['all']],
  [['never'], []],
  [['a'], ['tagged']],
  [['always'], []],
  [[], ['tagged']],
];

const step = (name: string, tags: string[], role?: string): Step => ({
  name,
  resource: 'command',
  apply: code(':'),
  notify: [],
  tags,
  ...(role !== undefined && { role }),
});
const plan = (...steps: Step[]): Plan => ({ format: 1, host: 'h', steps, handlers: [] });

describe('compiler/selection', () => {
  it("selects by tags as ansible-playbook does, special tags included (Ansible's own --list-tasks is the reference) @integration", async function () {
    this.timeout(patience(120_000));
    const dir = await mkdtemp(join(tmpdir(), 'bosun-tags-'));
    try {
      const tasks = Object.entries(TASKS).map(
        ([name, tags]) => `    - name: ${name}\n      ansible.builtin.debug: { msg: x }\n      tags: [${tags.join(', ')}]\n`,
      );
      await writeFile(join(dir, 'play.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks.join('')}`);
      const env = { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false', ANSIBLE_NOCOLOR: '1' };
      for (const [only, skip] of SELECTIONS) {
        const args = ['-i', 'localhost,', '--list-tasks', ...(only.length > 0 ? ['--tags', only.join(',')] : []), 'play.yml'];
        if (skip.length > 0) args.push('--skip-tags', skip.join(','));
        const { stdout } = await run('ansible-playbook', args, { cwd: dir, env });
        const listed = [...stdout.matchAll(/^ {6}(\w+)\tTAGS:/gm)].map((match) => match[1]);
        const ours = Object.entries(TASKS)
          .filter(([, tags]) => tagsSelect(tags, only, skip))
          .map(([name]) => name);
        expect(ours, `--tags ${only.join(',')} --skip-tags ${skip.join(',')}`).to.deep.equal(listed);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--start-at-task names a step exactly, by glob (fnmatch), or as "role : name"', () => {
    const motd = step('file /etc/motd', [], 'base');
    expect(nameMatches(motd, 'file /etc/motd')).to.equal(true);
    expect(nameMatches(motd, 'file */motd')).to.equal(true);
    expect(nameMatches(motd, 'file /etc/mot?')).to.equal(true);
    expect(nameMatches(motd, 'file /etc/[lm]otd')).to.equal(true);
    expect(nameMatches(motd, 'file /etc/[!m]otd')).to.equal(false);
    expect(nameMatches(motd, 'base : file /etc/motd')).to.equal(true);
    expect(nameMatches(motd, 'base : *')).to.equal(true);
    expect(nameMatches(motd, 'other : *')).to.equal(false);
    expect(nameMatches(motd, 'file /etc')).to.equal(false);
    // Regexp characters in a name are themselves.
    expect(nameMatches(step('command a.b (x)', []), 'command a.b (x)')).to.equal(true);
    expect(nameMatches(step('command aXb (x)', []), 'command a.b (x)')).to.equal(false);
  });

  it('starts at the first selected step with the name; a plan that never reaches it runs no step, handlers kept', () => {
    const steps = [step('one', ['x']), step('two', []), step('three', ['x'])];
    const full: Plan = { ...plan(...steps), handlers: [{ ...step('restart', []), handler: 'restart' }] };
    expect(selectSteps(full, { startAtTask: 'two' }).steps.map((s) => s.name)).to.deep.equal(['two', 'three']);
    // With --tags x, "two" is not selected: the start is never reached.
    const unreached = selectSteps(full, { tags: ['x'], startAtTask: 'two' });
    expect(unreached.steps).to.deep.equal([]);
    expect(unreached.handlers).to.have.length(1);
    expect(selectSteps(full, {})).to.equal(full);
  });

  it('refuses a tag no step has, for --tags and --skip-tags, and a start no selected step is called', () => {
    const plans = [plan(step('one', ['web'])), plan(step('two', ['db', 'always']))];
    expect(() => assertSelectionMatches(plans, { tags: ['web', 'tagged', 'untagged', 'all'], skipTags: ['db'] })).not.to.throw();
    const tags = thrown(() => assertSelectionMatches(plans, { tags: ['web', 'wbe'] }));
    expect(tags).to.be.instanceOf(BosunError);
    expect(tags.message).to.equal('--tags wbe: no step of the targeted hosts has this tag (tags: always, db, web; see --list-tags)');
    expect(thrown(() => assertSelectionMatches(plans, { skipTags: ['x', 'y'] })).message).to.match(/^--skip-tags x,y: .* these tags/);
    expect(() => assertSelectionMatches(plans, { startAtTask: 't*' })).not.to.throw();
    expect(thrown(() => assertSelectionMatches(plans, { tags: ['web'], skipTags: ['always'], startAtTask: 'two' })).message).to.include(
      'no selected step of the targeted hosts has this name',
    );
    expect(thrown(() => assertSelectionMatches([plan()], { tags: ['x'] })).message).to.include('(tags: none;');
  });
});
