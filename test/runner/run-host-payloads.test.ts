import { expect } from 'chai';
import { execa } from 'execa';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INLINE_PAYLOAD_MAX_BYTES, parseFrame } from '../../compiler/protocol.ts';
import { copy, file } from '../../index.ts';
import { code } from '../../compiler/shell.ts';
import type { Step } from '../../compiler/step.ts';
import { runHost } from '../../runner/run-host.ts';
import { framedScript, SMALL_SCRIPT_BYTES, sessionCommand } from '../../runner/session-command.ts';
import {
  type AbsolutePath,
  assertConverges,
  type ChrootRoot,
  chrootRoot,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
} from '../support/plan-harness.ts';
import { Recording } from '../support/recording-transport.ts';
import { renderChecked } from '../../testing/shellcheck.ts';
import { listTree } from '../../testing/tree.ts';
import { patience } from '../support/patience.ts';

/** About 1.5 MB of text, multi-byte characters included: a data section. */
const LARGE = Array.from({ length: 40_000 }, (_, i) => `line ${i}: ünïcødé ✓ ${'x'.repeat(i % 17)}\n`).join('');

describe('runner/run-host: data sections', function () {
  this.timeout(patience(120_000));

  describe('on this machine', () => {
    let dir: AbsolutePath;
    let dispose: () => Promise<void>;
    beforeEach(async () => ({ dir, dispose } = await tempDir()));
    afterEach(() => dispose());

    it('a check compares a large file by checksum and fetches none of it; an apply fetches it once; it converges', async () => {
      const path = `${dir}/large` as AbsolutePath;
      const plan = planOf([file({ path, content: LARGE })]);
      const { script } = renderChecked(plan);
      expect(script).not.to.contain('line 1: ');
      expect(Buffer.byteLength(LARGE)).to.be.above(INLINE_PAYLOAD_MAX_BYTES);

      const recording = new Recording(local);
      const sent: Record<string, number[]> = { check: [], apply: [] };
      await assertConverges(plan, recording, () => listTree(dir));
      // The same again, one run at a time, to see what each run sent.
      await rm(path);
      for (const [mode, expected] of [
        ['check', 'would-change'],
        ['apply', 'changed'],
        ['apply', 'ok'],
        ['check', 'ok'],
      ] as const) {
        const run = await runHost(plan, renderChecked(plan), recording, { mode });
        expect(statuses(run), JSON.stringify(run)).to.deep.equal([expected]);
        sent[mode]!.push(recording.inputBytes, recording.frames('need').length);
      }
      const size = Buffer.byteLength(LARGE);
      expect(sent.check).to.deep.equal([0, 0, 0, 0]);
      // The bytes once, and the acknowledgement ("ok SHA256\n").
      expect(sent.apply).to.deep.equal([size + 68, 1, 0, 0]);
      expect(await readFile(path, 'utf8')).to.equal(LARGE);

      // Same size, other bytes: the checksum tells.
      await writeFile(path, LARGE.replace('line 7:', 'line 8:'));
      const drift = await runPlan(plan, local, 'check');
      expect(statuses(drift), explain(drift)).to.deep.equal(['would-change']);
    });

    it('two steps with the same large content name one section, and each fetches it when it writes', async () => {
      const plan = planOf([file({ path: `${dir}/a`, content: LARGE }), file({ path: `${dir}/b`, content: LARGE })]);
      const rendered = renderChecked(plan);
      expect([...rendered.payloads.keys()]).to.have.length(1);
      const recording = new Recording(local);
      const apply = await runHost(plan, rendered, recording, { mode: 'apply' });
      expect(statuses(apply)).to.deep.equal(['changed', 'changed']);
      expect(recording.frames('need')).to.have.length(2);
      expect(await readFile(`${dir}/b`, 'utf8')).to.equal(LARGE);
    });

    it('a plan large enough to run in a fresh shell gets its sections too', async () => {
      // A step whose code is large but cheap to run (a long comment) puts the script over the threshold.
      const padding: Step = {
        name: 'padding',
        resource: 'test',
        check: code(`# ${'-'.repeat(SMALL_SCRIPT_BYTES)}\ntrue`),
        apply: code(':'),
        notify: [],
        tags: [],
      };
      const compiled = planOf([file({ path: `${dir}/small`, content: 'small\n' }), file({ path: `${dir}/large`, content: LARGE })]);
      const plan = { ...compiled, steps: [padding, ...compiled.steps] };
      const rendered = renderChecked(plan);
      expect(Buffer.byteLength(rendered.script)).to.be.above(SMALL_SCRIPT_BYTES);
      const apply = await runHost(plan, rendered, local, { mode: 'apply' });
      expect(statuses(apply), JSON.stringify(apply.reason)).to.deep.equal(['ok', 'changed', 'changed']);
      expect(await readFile(`${dir}/large`, 'utf8')).to.equal(LARGE);
    });

    it('a section cut short in transit (stdin closed mid-way) replaces nothing and leaves no temp file', async () => {
      const path = `${dir}/large` as AbsolutePath;
      await writeFile(path, 'old\n');
      const plan = planOf([file({ path, content: LARGE })]);
      const { script, payloads } = renderChecked(plan);
      const [data] = [...payloads.values()];
      const framed = framedScript(script);
      const child = execa('sh', ['-c', sessionCommand('apply', undefined, false, framed).text], { reject: false, detached: true });
      child.stdin!.write(framed.input);
      let pending = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        pending += chunk;
        for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
          const event = parseFrame(pending.slice(0, newline));
          pending = pending.slice(newline + 1);
          // Half the section, then the connection is lost.
          if (event?.t === 'need') child.stdin!.end(Buffer.concat([...data!.chunks()]).subarray(0, data!.size >> 1));
        }
      });
      const result = await child;
      expect(String(result.stdout)).not.to.contain('"t":"end"');
      expect(await readFile(path, 'utf8')).to.equal('old\n');
      expect(await readdir(dir)).to.deep.equal(['large']);
    });
  });

  describe('on a host without sha256sum (chroot) @integration', () => {
    let root: ChrootRoot;
    before(async () => {
      root = await chrootRoot();
      await rm(join(root.root, 'usr/bin/sha256sum'));
    });
    after(() => root?.dispose());

    it('a check fetches the section and compares it byte for byte, writing nothing', async () => {
      const plan = planOf([file({ path: '/etc/large.conf', content: LARGE })]);
      const recording = new Recording(root.transport);
      await assertConverges(plan, recording, () => root.tree());
      // The last run of assertConverges is a check of the converged file: it had to fetch the bytes.
      expect(recording.frames('need')).to.have.length(1);
      await writeFile(join(root.root, 'etc/large.conf'), LARGE.replace('line 7:', 'line 8:'));
      const drift = await runPlan(plan, recording, 'check');
      expect(statuses(drift), explain(drift)).to.deep.equal(['would-change']);
    });

    it('bytes refused in a check (the local file changed since the compile) match nothing, even a file holding them', async () => {
      const { dir: src, dispose } = await tempDir();
      try {
        await writeFile(`${src}/large`, LARGE);
        const plan = planOf([copy({ src: `${src}/large`, path: '/etc/copied' })]);
        const now = LARGE.replace('line 7:', 'line 8:');
        await writeFile(`${src}/large`, now);
        await writeFile(join(root.root, 'etc/copied'), now);
        const check = await runPlan(plan, root.transport, 'check');
        expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
      } finally {
        await dispose();
      }
    });
  });
});
