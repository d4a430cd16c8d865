import { expect } from 'chai';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { Resource } from '../../compiler/resource.ts';
import { attributes, copy, download, secret, template, touch } from '../../index.ts';
import { fileName, shellText } from '../support/arbitraries.ts';
import { startFileServer, type FileServer } from '../support/file-server.ts';
import { explain, local, planOf, runPlan, statuses, tempDir, type AbsolutePath } from '../support/plan-harness.ts';
import { propertyRuns, propertyTimeout } from '../support/property-runs.ts';

/** One generated case: its resources, and how to read back what they wrote. */
interface Case {
  readonly resources: Resource[];
  readonly check: () => Promise<unknown>;
}

/**
 * A plan of every case, applied on this machine and read back byte-exact, then applied again:
 * the second apply must be all ok. Local files (sources, templates) are written under `src`.
 */
async function roundTrip(build: (dir: AbsolutePath, src: AbsolutePath, k: number) => Promise<Case>, cases = 4): Promise<void> {
  const [target, source] = await Promise.all([tempDir(), tempDir()]);
  try {
    const built: Case[] = [];
    for (let k = 0; k < cases; k += 1) built.push(await build(target.dir, source.dir, k));
    const plan = planOf(built.flatMap((c) => c.resources));
    const apply = await runPlan(plan, local, 'apply');
    expect(apply.status, explain(apply)).to.equal('changed');
    for (const c of built) await c.check();
    const again = await runPlan(plan, local, 'apply');
    expect(statuses(again), explain(again)).to.deep.equal(plan.steps.map(() => 'ok'));
  } finally {
    await Promise.all([target.dispose(), source.dispose()]);
  }
}

/** Random bytes: any value, often none, sometimes text. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  shellText.map((text) => Buffer.from(text, 'utf8')),
);

describe('compiler: random values through copy, template, download, touch and attributes come back byte-exact (property)', function () {
  this.timeout(propertyTimeout(180_000));
  // 15 runs of 4 values each (60 values per position): each run is two applies of one plan.
  const runs = propertyRuns(15);

  it('copy: file names and bytes of a tree, and the name and bytes of one file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fileName, fileName, bytes, bytes), { minLength: 4, maxLength: 4 }), async (values) => {
        await roundTrip(async (dir, src, k) => {
          const [name, inner, one, two] = values[k]!;
          const tree = `${src}/tree-${k}`;
          await mkdir(`${tree}/${inner}`, { recursive: true });
          await writeFile(`${tree}/${inner}/${name}`, one);
          await writeFile(`${src}/file-${k}`, two);
          const single = `${dir}/${k}-${name}` as AbsolutePath;
          return {
            resources: [
              copy({ tree: tree as AbsolutePath, path: `${dir}/tree-${k}` as AbsolutePath }),
              copy({ src: `${src}/file-${k}` as AbsolutePath, path: single }),
            ],
            check: async () => {
              expect((await readFile(`${dir}/tree-${k}/${inner}/${name}`)).equals(Buffer.from(one))).to.equal(true);
              expect((await readFile(single)).equals(Buffer.from(two))).to.equal(true);
            },
          };
        });
      }),
      runs,
    );
  });

  it('template: variable values (plain and secret), literal text, and the template file name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fileName, shellText, shellText, shellText), { minLength: 4, maxLength: 4 }), async (values) => {
        // The literal text sits in a raw block, which ends only at its endraw tag.
        fc.pre(values.every(([, , , literal]) => !/endraw/.test(literal)));
        await roundTrip(async (dir, src, k) => {
          const [name, value, hidden, literal] = values[k]!;
          const file = `${src}/${k}-${name}.j2` as AbsolutePath;
          await writeFile(file, `{{ value }}|{{ items[1] }}|{{ hidden }}|{% raw %}${literal}{% endraw %}`);
          const path = `${dir}/${k}-${name}` as AbsolutePath;
          return {
            resources: [template({ src: file, path, vars: { value, items: ['x', value], hidden: secret(hidden) } })],
            // The template's own line endings are written as \n (Ansible's newline_sequence); values keep theirs.
            check: async () =>
              expect(await readFile(path, 'utf8')).to.equal(`${value}|${value}|${hidden}|${literal.replace(/\r\n?/g, '\n')}`),
          };
        });
      }),
      runs,
    );
  });

  describe('download: URL paths and file names', () => {
    let server: FileServer;
    before(async () => (server = await startFileServer()));
    after(() => server.close());

    it('the server is asked for exactly the URL given, and the file holds exactly what it served', async () => {
      // Everything but unreserved letters and digits percent-encoded: no dot segments for a client to resolve.
      const encoded = (text: string): string =>
        [...Buffer.from(text, 'utf8')]
          .map((b) =>
            /[A-Za-z0-9_-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
          )
          .join('');
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(shellText, fileName, bytes), { minLength: 4, maxLength: 4 }), async (values) => {
          server.requests.length = 0;
          await roundTrip(async (dir, _src, k) => {
            const [segment, name, body] = values[k]!;
            const target = `/${k}/${encoded(segment)}?q=${encoded(segment)}`;
            server.serve(target, body);
            const path = `${dir}/${k}-${name}` as AbsolutePath;
            return {
              resources: [download({ url: `${server.origin}${target}`, path, sha256: createHash('sha256').update(body).digest('hex') })],
              check: async () => {
                expect((await readFile(path)).equals(Buffer.from(body))).to.equal(true);
                expect(server.requests.map((request) => request.target)).to.include(target);
              },
            };
          });
          // Once each: the second apply found the checksums right and fetched nothing.
          expect(server.requests).to.have.length(4);
        }),
        runs,
      );
    });
  });

  it('touch and attributes: paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fileName, fileName), { minLength: 4, maxLength: 4 }), async (values) => {
        await roundTrip(async (dir, _src, k) => {
          const [made, existing] = values[k]!;
          const created = `${dir}/t${k}-${made}` as AbsolutePath;
          const kept = `${dir}/a${k}-${existing}` as AbsolutePath;
          await writeFile(kept, existing, { mode: 0o600 });
          return {
            resources: [touch({ path: created, mode: '0640' }), attributes({ path: kept, mode: '0604' })],
            check: async () => {
              expect([(await stat(created)).size, (await stat(created)).mode & 0o777]).to.deep.equal([0, 0o640]);
              expect([await readFile(kept, 'utf8'), (await stat(kept)).mode & 0o777]).to.deep.equal([existing, 0o604]);
            },
          };
        });
      }),
      runs,
    );
  });
});
