import { expect } from 'chai';
import fc from 'fast-check';
import { readFile, readlink, writeFile } from 'node:fs/promises';
import type { Resource } from '../../compiler/resource.ts';
import { block, command, file, line, symlink } from '../../index.ts';
import { ereLiteral, fileName, oneLineText, shellText } from '../support/arbitraries.ts';
import { explain, local, planOf, runPlan, statuses, tempDir, type AbsolutePath } from '../support/plan-harness.ts';
import { propertyRuns, propertyTimeout } from '../support/property-runs.ts';

/** What one generated case wrote, and how to read it back. */
interface Case {
  readonly resources: Resource[];
  readonly check: () => Promise<unknown>;
}

/**
 * Random text through every free-text position, applied on this machine and read
 * back byte-exact. Each run is one plan (one script, many steps), applied twice:
 * the second apply must be all ok.
 */
async function roundTrip(build: (dir: AbsolutePath, k: number) => Promise<Case>, cases = 4): Promise<void> {
  const { dir, dispose } = await tempDir();
  try {
    const built: Case[] = [];
    for (let k = 0; k < cases; k += 1) built.push(await build(dir, k));
    const plan = planOf(built.flatMap((c) => c.resources));
    const apply = await runPlan(plan, local, 'apply');
    expect(apply.status, explain(apply)).to.equal('changed');
    for (const c of built) await c.check();
    const again = await runPlan(plan, local, 'apply');
    expect(statuses(again), explain(again)).to.deep.equal(plan.steps.map(() => 'ok'));
  } finally {
    await dispose();
  }
}

describe('compiler: random text in free-text positions comes back byte-exact (property)', function () {
  this.timeout(propertyTimeout(120_000));
  // 30 runs of 4 values each (120 values per position); the awk-edited positions 20 runs of 6.
  const runs = propertyRuns(30);
  const editRuns = propertyRuns(20);

  it('file content and file names', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fileName, shellText), { minLength: 4, maxLength: 4 }), async (values) => {
        await roundTrip(async (dir, k) => {
          const [name, content] = values[k]!;
          const path = `${dir}/${k}-${name}` as AbsolutePath;
          return { resources: [file({ path, content })], check: async () => expect(await readFile(path, 'utf8')).to.equal(content) };
        });
      }),
      runs,
    );
  });

  it('symlink targets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          shellText.filter((t) => t !== ''),
          { minLength: 4, maxLength: 4 },
        ),
        async (targets) => {
          await roundTrip(async (dir, k) => {
            const path = `${dir}/link-${k}` as AbsolutePath;
            return {
              resources: [symlink({ path, target: targets[k]! })],
              check: async () => expect(await readlink(path)).to.equal(targets[k]),
            };
          });
        },
      ),
      runs,
    );
  });

  it('line text, and a regexp that is a random string escaped as an ERE literal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(oneLineText, oneLineText), { minLength: 6, maxLength: 6 }), async (values) => {
        // A text that itself starts with `key=` matches the first resource's regexp: the two
        // resources then contend for the same line (as two such lineinfile tasks do), which is
        // not what this property is about.
        fc.pre(values.every(([key, text]) => !text.startsWith(`${key}=`)));
        await roundTrip(async (dir, k) => {
          const [key, text] = values[k]!;
          const path = `${dir}/conf-${k}` as AbsolutePath;
          // The line to replace starts with the random key; the other lines must survive.
          const before = `# first\n${key}=old\n[other]\n`;
          await writeFile(path, before);
          const wanted = `${key}=${text}`;
          return {
            resources: [
              line({ path, line: wanted, regexp: `^${ereLiteral(`${key}=`)}` }),
              line({ path, line: text, insertAfter: `^${ereLiteral('[other]')}$` }),
            ],
            check: async () => {
              const lines = `# first\n${wanted}\n[other]\n${text === wanted || text === '# first' || text === '[other]' ? '' : `${text}\n`}`;
              expect(await readFile(path, 'utf8')).to.equal(lines);
            },
          };
        }, 6);
      }),
      editRuns,
    );
  });

  it('block bodies and markers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(shellText, oneLineText, oneLineText, oneLineText), { minLength: 6, maxLength: 6 }),
        async (values) => {
          await roundTrip(async (dir, k) => {
            const [body, marker, open, close] = values[k]!;
            const begin = `${marker.replace('{mark}', '')} {mark}`.replace('{mark}', `<${open}`);
            const end = `${marker.replace('{mark}', '')} {mark}`.replace('{mark}', `>${close}`);
            const safeBody = body
              .split('\n')
              .filter((l) => l !== begin && l !== end)
              .join('\n');
            const path = `${dir}/block-${k}` as AbsolutePath;
            await writeFile(path, 'head\n');
            const inner = safeBody.replace(/\n$/, '');
            return {
              resources: [
                block({
                  path,
                  block: safeBody,
                  marker: `${marker.replace('{mark}', '')} {mark}`,
                  markerBegin: `<${open}`,
                  markerEnd: `>${close}`,
                }),
              ],
              check: async () =>
                expect(await readFile(path, 'utf8')).to.equal(`head\n${begin}\n${inner === '' ? '' : `${inner}\n`}${end}\n`),
            };
          }, 6);
        },
      ),
      editRuns,
    );
  });

  it('command argv and env values reach the command as they are', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(shellText, { maxLength: 5 }), shellText), { minLength: 4, maxLength: 4 }),
        async (values) => {
          await roundTrip(async (dir, k) => {
            const [args, env] = values[k]!;
            const out = `${dir}/argv-${k}` as AbsolutePath;
            const writer =
              'out=$1; shift; { for a; do printf "%s\\0" "$a"; done; printf "%s" "$BOSUN_V"; } >"$out.tmp" && mv "$out.tmp" "$out"';
            return {
              resources: [command({ argv: ['sh', '-c', writer, 'sh', out, ...args], env: { BOSUN_V: env }, creates: out })],
              check: async () => expect(await readFile(out, 'utf8')).to.equal(args.map((a) => `${a}\0`).join('') + env),
            };
          });
        },
      ),
      runs,
    );
  });
});
