import { expect } from 'chai';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnBosun, until } from '../support/bosun-child.ts';
import { processesWhoseArgvContains } from '../support/processes.ts';
import { patience } from '../support/patience.ts';

/**
 * On this machine (local transport, no SSH): a per-host timeout and an interruption end
 * the script and what it runs, not only bosun; the recap still says what ran.
 */
describe('bosun CLI: --timeout and SIGINT on the local host @integration', function () {
  this.timeout(patience(120_000));
  let dir: string;
  let playbook: string;
  const marker = (): string => `blocker-${dir.slice(-6)}`;
  const exists = (path: string): Promise<boolean> =>
    access(path).then(
      () => true,
      () => false,
    );
  const blocked = async (): Promise<boolean> => (await processesWhoseArgvContains(marker())).length > 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-int-'));
    playbook = join(dir, 'block.ts');
    await writeFile(
      playbook,
      `import { command, definePlaybook, file } from ${JSON.stringify(resolve('index.ts'))};
export default definePlaybook({ name: 'b', plays: [{ name: 'b', hosts: 'all', roles: [{ name: 'r', resources: [
  file({ path: '${dir}/early', content: 'x\\n' }),
  command({ name: 'block', script: 'while [ ! -e ${dir}/go ]; do sleep 0.1; done; touch ${dir}/late # ${marker()}', creates: '${dir}/late' }),
] }] }] });
`,
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('--timeout ends the script and what it runs: the host fails with the reason, and the step never completes', async () => {
    const result = await spawnBosun(['apply', playbook, '--timeout', '2', '--no-typecheck']).done();
    expect(result.code, result.stdout + result.stderr).to.equal(4);
    expect(result.stdout).to.match(/failed +localhost +timed out after 2 s; session ended/);
    await until('the timed-out script is gone', async () => !(await blocked()));
    await writeFile(join(dir, 'go'), '');
    expect(await exists(join(dir, 'late'))).to.equal(false);
  });

  it('SIGINT ends the running script, prints the recap and exits 130', async () => {
    const run = spawnBosun(['apply', playbook, '--no-typecheck']);
    await run.line(/changed +localhost +file .*\/early/);
    await until('the blocking step runs', blocked);
    run.child.kill('SIGINT');
    const result = await run.done();
    expect(result.code, result.stdout + result.stderr).to.equal(130);
    expect(result.stdout).to.match(/failed +localhost +interrupted by SIGINT; session ended/);
    expect(result.stdout).to.contain('RECAP (apply)');
    expect(result.stderr).to.contain('bosun: SIGINT: ending the running sessions');
    await until('the interrupted script is gone', async () => !(await blocked()));
    await writeFile(join(dir, 'go'), '');
    expect(await exists(join(dir, 'late'))).to.equal(false);
  });
});
