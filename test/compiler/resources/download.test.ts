import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Resource } from '../../../compiler/resource.ts';
import { renderPlan } from '../../../compiler/render.ts';
import { maskSecrets } from '../../../compiler/secret.ts';
import { download, packages, secret, unarchive } from '../../../index.ts';
import { makeArchive } from '../../support/archives.ts';
import { startFileServer, type FileServer } from '../../support/file-server.ts';
import {
  type AbsolutePath,
  assertConverges,
  type ChrootRoot,
  chrootRoot,
  checkWritesNothing,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
} from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';
import { patience } from '../../support/patience.ts';
import { itRefusesWithMessage, type RefusedMessageCase } from '../../support/resource-cases.ts';

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
const sha512 = (bytes: Uint8Array | string): string => createHash('sha512').update(bytes).digest('hex');
const BODY = Buffer.from([...Array(256).keys()].map((k) => 255 - k));
const OTHER = 'f'.repeat(64);

describe('compiler/resources/download', () => {
  describe('bad input fails at compile time, naming the field', () => {
    const url = 'https://example.com/app.tgz';
    const cases: RefusedMessageCase[] = [
      [
        'a sha256 one digit short',
        () => download({ url, path: '/opt/app.tgz', sha256: 'a'.repeat(63) }),
        /download\(\/opt\/app\.tgz\)\.sha256: must be 64 hexadecimal digits, got 63/,
      ],
      [
        'a sha512 of a sha256 length',
        () => download({ url, path: '/opt/app.tgz', sha512: 'a'.repeat(64) }),
        /download\(\/opt\/app\.tgz\)\.sha512: must be 128 hexadecimal digits, got 64/,
      ],
      [
        'a checksum that is not hex',
        () => download({ url, path: '/opt/app.tgz', sha256: `${'a'.repeat(63)}g` }),
        /\.sha256: must be hexadecimal digits only/,
      ],
      [
        'no checksum',
        () => download({ url, path: '/opt/app.tgz' } as never),
        /download\(\/opt\/app\.tgz\)\.sha256: give the checksum of the file: sha256 or sha512/,
      ],
      ['two checksums', () => download({ url, path: '/opt/app.tgz', sha256: OTHER, sha512: OTHER + OTHER } as never), /exactly one/],
      [
        'a relative path',
        () => download({ url, path: 'opt/app.tgz' as AbsolutePath, sha256: OTHER }),
        /download\.path: must be an absolute path/,
      ],
      [
        'a file: URL',
        () => download({ url: 'file:///etc/passwd', path: '/opt/x', sha256: OTHER }),
        /download\(\/opt\/x\)\.url: must be an http, https or ftp URL, got "file:\/\/\/etc\/passwd"/,
      ],
      [
        'a URL with a space',
        () => download({ url: 'https://example.com/a b', path: '/opt/x', sha256: OTHER }),
        /\.url: must be printable ASCII without spaces/,
      ],
      [
        'a URL with unicode',
        () => download({ url: 'https://example.com/é', path: '/opt/x', sha256: OTHER }),
        /\.url: must be printable ASCII/,
      ],
      [
        'a secret URL, not shown',
        () => download({ url: secret('token://x'), path: '/opt/x', sha256: OTHER }),
        /\.url: must be an http, https or ftp URL, got the secret URL$/,
      ],
      [
        'an unknown key',
        () => download({ url, path: '/opt/x', sha256: OTHER, checksum: 'x' } as never),
        /download\.checksum: is not a known parameter/,
      ],
    ];
    itRefusesWithMessage(cases);
  });

  describe('on this machine (curl), from a local HTTP server', function () {
    this.timeout(patience(60_000));
    let server: FileServer;
    let dir: AbsolutePath;
    let dispose: () => Promise<void>;
    const tree = (): Promise<string[]> => listTree(dir);
    before(async () => {
      server = await startFileServer();
      server.serve('/files/all%20bytes.bin?v=[1]', BODY);
      server.serve('/files/new.bin', 'new version\n');
    });
    after(() => server.close());
    beforeEach(async () => {
      ({ dir, dispose } = await tempDir());
      server.requests.length = 0;
    });
    afterEach(() => dispose());

    it('right checksum: fetched once, with its mode, converging; check mode compares and fetches nothing', async () => {
      const plan = planOf([
        download({ url: `${server.origin}/files/all%20bytes.bin?v=[1]`, path: `${dir}/app.bin`, sha256: sha256(BODY), mode: '0600' }),
      ]);
      const check = await checkWritesNothing(plan, local, tree);
      expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
      expect(server.requests, 'check mode fetched').to.deep.equal([]);
      await assertConverges(plan, local, tree);
      expect(server.requests.map((request) => request.target)).to.deep.equal(['/files/all%20bytes.bin?v=[1]']);
      expect(server.requests[0]!.agent).to.match(/^curl\//);
      expect((await readFile(`${dir}/app.bin`)).equals(BODY)).to.equal(true);
      expect((await stat(`${dir}/app.bin`)).mode & 0o777).to.equal(0o600);
    });

    it('a sha512 works the same', async () => {
      await assertConverges(
        planOf([
          download({ url: `${server.origin}/files/new.bin`, path: `${dir}/new.bin`, sha512: sha512('new version\n').toUpperCase() }),
        ]),
        local,
        tree,
      );
      expect(await readFile(`${dir}/new.bin`, 'utf8')).to.equal('new version\n');
    });

    it('wrong checksum: the step fails saying so, the old file is byte-identical, no temp file is left', async () => {
      await writeFile(`${dir}/app.bin`, 'old\n', { mode: 0o640 });
      const before = await tree();
      const apply = await runPlan(
        planOf([download({ url: `${server.origin}/files/new.bin`, path: `${dir}/app.bin`, sha256: OTHER })]),
        local,
        'apply',
      );
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
      expect(apply.steps[0]!.output).to.contain(
        `the download has sha256 ${sha256('new version\n')}, not ${OTHER}: ${dir}/app.bin is left as it was`,
      );
      expect(server.requests).to.have.length(1);
      // The directory's times change (a temp file came and went); the file and its attributes do not.
      expect((await tree()).slice(1)).to.deep.equal(before.slice(1));
      expect(await readdir(dir)).to.deep.equal(['app.bin']);
    });

    it('server down, or the URL answers 404: the step fails, the old file stays', async () => {
      await writeFile(`${dir}/app.bin`, 'old\n');
      const before = await tree();
      const closed = await startFileServer();
      await closed.close();
      for (const url of [`${closed.origin}/x`, `${server.origin}/missing`]) {
        const apply = await runPlan(planOf([download({ url, path: `${dir}/app.bin`, sha256: OTHER })]), local, 'apply');
        expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
        expect(apply.steps[0]!.output).to.match(/curl: \((7|22)\)/);
        expect((await tree()).slice(1)).to.deep.equal(before.slice(1));
        expect(await readdir(dir)).to.deep.equal(['app.bin']);
      }
    });

    it('a file that already has the checksum is not fetched, even if the URL changed', async () => {
      await writeFile(`${dir}/app.bin`, BODY);
      const again = await runPlan(
        planOf([download({ url: `${server.origin}/elsewhere`, path: `${dir}/app.bin`, sha256: sha256(BODY) })]),
        local,
        'apply',
      );
      expect(statuses(again), explain(again)).to.deep.equal(['ok']);
      expect(server.requests).to.deep.equal([]);
    });

    it('a file with the checksum but another mode gets the mode, and is not fetched again', async () => {
      await writeFile(`${dir}/app.bin`, BODY, { mode: 0o644 });
      const plan = planOf([
        download({ url: `${server.origin}/files/all%20bytes.bin?v=[1]`, path: `${dir}/app.bin`, sha256: sha256(BODY), mode: '0600' }),
      ]);
      await assertConverges(plan, local, tree);
      expect(server.requests).to.deep.equal([]);
      expect((await stat(`${dir}/app.bin`)).mode & 0o777).to.equal(0o600);
    });

    it('a secret URL is masked in the printed script', async () => {
      const url = `${server.origin}/files/new.bin`;
      const rendered = renderPlan(planOf([download({ url: secret(url), path: `${dir}/x`, sha256: sha256('new version\n') })]));
      expect(maskSecrets(rendered.script, rendered.secrets)).not.to.contain(url);
      const apply = await runPlan(
        planOf([download({ url: secret(url), path: `${dir}/x`, sha256: sha256('new version\n') })]),
        local,
        'apply',
      );
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
    });
  });

  describe('on a Debian root: with neither curl nor wget, with wget, with curl @integration', function () {
    this.timeout(patience(600_000));
    let root: ChrootRoot;
    let server: FileServer;
    before(async () => {
      [root, server] = await Promise.all([chrootRoot(), startFileServer()]);
      server.serve('/app.bin', BODY);
    });
    after(async () => {
      await server?.close();
      await root?.dispose();
    });
    const fetchApp = (path: AbsolutePath): Resource => download({ url: `${server.origin}/app.bin`, path, sha256: sha256(BODY) });

    it('neither: the step fails in check mode and in apply mode, saying why; nothing is written or fetched', async () => {
      const plan = planOf([fetchApp('/opt/app.bin')]);
      const check = await checkWritesNothing(plan, root.transport, root.tree);
      expect(statuses(check), explain(check)).to.deep.equal(['failed']);
      expect(check.steps[0]!.output).to.contain('neither curl nor wget is on this host');
      const before = await root.tree();
      const apply = await runPlan(plan, root.transport, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
      expect(await root.tree()).to.deep.equal(before);
      expect(server.requests).to.deep.equal([]);
    });

    it('an earlier step that may install one: check mode says would-change, not failed', async () => {
      const check = await checkWritesNothing(planOf([packages({ names: ['wget'] }), fetchApp('/opt/app.bin')]), root.transport, root.tree);
      expect(statuses(check), explain(check)).to.deep.equal(['would-change', 'would-change']);
    });

    it('wget: converges, fetching once', async () => {
      const install = await runPlan(planOf([packages({ names: ['wget'] })]), root.transport, 'apply');
      expect(statuses(install), explain(install)).to.deep.equal(['changed']);
      server.requests.length = 0;
      await assertConverges(planOf([fetchApp('/opt/app.bin')]), root.transport, root.tree);
      expect(server.requests.map((request) => request.agent)).to.satisfy(
        (agents: string[]) => agents.length === 1 && /^Wget\//.test(agents[0]!),
      );
      expect((await readFile(join(root.root, 'opt/app.bin'))).equals(BODY)).to.equal(true);
    });

    it('curl (preferred when both are there), then an archive it fetched is unarchived in the same plan', async () => {
      const install = await runPlan(planOf([packages({ names: ['curl'] })]), root.transport, 'apply');
      expect(statuses(install), explain(install)).to.deep.equal(['changed']);
      const archive = await makeArchive('tar.gz', { 'app/bin/run': '#!/bin/sh\necho run\n', 'app/README': 'read me\n' });
      server.serve('/app-1.0.tar.gz', archive);
      server.requests.length = 0;
      const plan = planOf([
        download({ url: `${server.origin}/app-1.0.tar.gz`, path: '/opt/app-1.0.tar.gz', sha256: sha256(archive) }),
        unarchive({ remoteSrc: '/opt/app-1.0.tar.gz', path: '/opt/app', stripComponents: 1 }),
      ]);
      await assertConverges(plan, root.transport, root.tree);
      expect(server.requests.map((request) => request.agent)).to.satisfy(
        (agents: string[]) => agents.length === 1 && /^curl\//.test(agents[0]!),
      );
      expect(await readdir(join(root.root, 'opt/app'))).to.deep.equal(['README', 'bin']);
      expect(await readFile(join(root.root, 'opt/app/bin/run'), 'utf8')).to.equal('#!/bin/sh\necho run\n');
    });
  });
});
