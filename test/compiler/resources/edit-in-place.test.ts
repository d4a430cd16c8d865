import { expect } from 'chai';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { Plan } from '../../../compiler/plan.ts';
import { CANNOT_APPLY } from '../../../compiler/protocol.ts';
import { editApply, editCheck, editDiffProbe, type InPlaceEdit } from '../../../compiler/resources/edit-in-place.ts';
import { validateCommand } from '../../../compiler/resources/file.ts';
import { sh } from '../../../compiler/shell.ts';
import {
  type AbsolutePath,
  assertConverges,
  checkWritesNothing,
  explain,
  local,
  runPlan,
  statuses,
  tempDir,
} from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';

/** A transform that makes sure the file has a line `managed`: prints the file, then the line if it was missing. */
const ENSURE_MANAGED = sh`awk ${'{ print } $0 == "managed" { seen = 1 } END { if (!seen) print "managed" }'}`;

/** The one-step plan of an edit, wired as the line and block resources wire theirs. */
function planOfEdit(edit: Omit<InPlaceEdit, 'transform'>): Plan {
  const whole: InPlaceEdit = { ...edit, transform: ENSURE_MANAGED };
  return {
    format: 1,
    host: 'local',
    steps: [
      {
        name: `edit ${edit.path}`,
        resource: 'edit',
        check: editCheck(whole),
        apply: editApply(whole),
        diff: { path: edit.path, sensitive: false, probe: editDiffProbe(whole) },
        makes: edit.create ? [edit.path] : [],
        notify: [],
        tags: [],
      },
    ],
    handlers: [],
  };
}

describe('compiler/resources/edit-in-place (edits computed on the host)', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('a file the transform leaves as it is is ok, and check reads it without writing', async () => {
    await writeFile(`${dir}/conf`, 'a\nmanaged\nb\n');
    const check = await checkWritesNothing(planOfEdit({ path: `${dir}/conf`, create: false }), local, tree);
    expect(statuses(check), explain(check)).to.deep.equal(['ok']);
  });

  it("a file the transform changes: check shows the host's would-be content as a diff, apply writes it keeping the mode, and it converges", async () => {
    await writeFile(`${dir}/conf`, 'a\nb\n', { mode: 0o640 });
    const { check } = await assertConverges(planOfEdit({ path: `${dir}/conf`, create: false }), local, tree);
    expect(check.steps[0]!.diff, explain(check)).to.match(/^ a\n b\n\+managed$/m);
    expect(await readFile(`${dir}/conf`, 'utf8')).to.equal('a\nb\nmanaged\n');
    expect((await stat(`${dir}/conf`)).mode & 0o777).to.equal(0o640);
  });

  it('without create, a missing file cannot be edited: check and apply fail and say so, and nothing is written', async () => {
    const plan = planOfEdit({ path: `${dir}/conf`, create: false });
    const check = await checkWritesNothing(plan, local, tree);
    expect(statuses(check), explain(check)).to.deep.equal(['failed']);
    expect(check.steps[0]).to.include({ rc: CANNOT_APPLY, output: `${dir}/conf does not exist (set create: true to create it)\n` });
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('with create, a missing file is made from empty content, with mode 0644, and converges', async () => {
    const { check } = await assertConverges(planOfEdit({ path: `${dir}/conf`, create: true }), local, tree);
    expect(check.steps[0]!.diff, explain(check)).to.match(/^\+managed$/m);
    expect(await readFile(`${dir}/conf`, 'utf8')).to.equal('managed\n');
    expect((await stat(`${dir}/conf`)).mode & 0o777).to.equal(0o644);
  });

  it('validate runs on the edited temp file: one that accepts it lets the edit through', async () => {
    await writeFile(`${dir}/conf`, 'a\n');
    const validate = validateCommand(['grep', '-qx', 'managed', '%s'], 'validate');
    await assertConverges(planOfEdit({ path: `${dir}/conf`, create: false, validate }), local, tree);
    expect(await readFile(`${dir}/conf`, 'utf8')).to.equal('a\nmanaged\n');
  });

  it('validate refusing the edited file fails the apply, keeps the old file whole and leaves no temp file', async () => {
    await writeFile(`${dir}/conf`, 'a\n');
    const before = await listTree(`${dir}/conf`);
    const validate = validateCommand(['grep', '-qx', 'approved', '%s'], 'validate');
    const apply = await runPlan(planOfEdit({ path: `${dir}/conf`, create: false, validate }), local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]!.output).to.contain(`validation refused the new content of ${dir}/conf`);
    expect(await listTree(`${dir}/conf`), 'the old file was touched').to.deep.equal(before);
    expect(await readdir(dir), 'a temp file was left').to.deep.equal(['conf']);
  });

  it('a probe that finds the edit cannot be made on this host fails the step in check and apply, and the file stays', async () => {
    await writeFile(`${dir}/conf`, 'a\n');
    const before = await tree();
    const probe = sh`_bosun_cannot ${"this host's awk cannot make this edit"}`;
    const plan = planOfEdit({ path: `${dir}/conf`, create: false, probe });
    const check = await checkWritesNothing(plan, local, tree);
    expect(statuses(check), explain(check)).to.deep.equal(['failed']);
    expect(check.steps[0]).to.include({ rc: CANNOT_APPLY, output: "this host's awk cannot make this edit\n" });
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(await tree()).to.deep.equal(before);
  });
});
