import { expect } from 'chai';
import { parse, type TestSuites } from 'junit2json';
import { junitReport } from '../../runner/report-junit.ts';
import { HOSTILE_OUTPUT, MOTD_DIFF, sampleReport } from '../support/sample-report.ts';

/** The report as a JUnit reader sees it (junit2json: xml2js in strict mode, which refuses XML that is not well-formed). */
async function parsed(xml: string): Promise<TestSuites> {
  const result = await parse(xml);
  expect(result, 'a <testsuites> document').to.have.property('testsuite');
  return result as TestSuites;
}

describe('runner/report-junit', () => {
  it('has one testsuite per host and one testcase per step, with counts a CI reader adds up', async () => {
    const suites = await parsed(junitReport(sampleReport()));
    expect(suites.name).to.equal('bosun check playbooks/baseline.ts');
    expect(suites).to.include({ tests: 9, failures: 4, errors: 0, time: 4.321 });
    expect(suites.testsuite!.map((suite) => [suite.name, suite.tests, suite.failures, suite.skipped])).to.deep.equal([
      ['web1', 5, 3, 1],
      ['web<2>&"x"', 2, 0, 0],
      ['db1', 1, 1, 0],
      ['db2', 1, 0, 1],
    ]);
    const web1 = suites.testsuite![0]!.testcase!;
    expect(web1.map((c) => [c.classname, c.name, c.time])).to.deep.equal([
      ['web1', 'directory /etc/app', 0.01],
      ['web1', 'file /etc/motd', 0.02],
      ['web1', 'command apt-get upgrade', 0.03],
      ['web1', 'line /etc/app/conf', 0.04],
      ['web1', 'file /etc/app/extra', 0.05],
    ]);
    expect(web1[0]).not.to.have.property('failure');
  });

  it('reports drift and failures as failures (the type says which, the body holds the diff or output), skipped steps as skipped', async () => {
    const [web1, , db1, db2] = (await parsed(junitReport(sampleReport()))).testsuite!;
    const [, motd, unknown, failed, skipped] = web1!.testcase!;
    expect(motd!.failure).to.deep.equal([{ type: 'drift', message: 'drift: would change', inner: MOTD_DIFF }]);
    expect(unknown!.failure![0]).to.include({ type: 'drift', message: 'drift: cannot be checked without acting' });
    // Every character survives the trip through XML, or is written as an escape where XML cannot hold it.
    expect(failed!.failure).to.deep.equal([
      { type: 'failed', message: 'failed (rc=98)', inner: HOSTILE_OUTPUT.replace('\u0001', '\\x01') },
    ]);
    expect(skipped!.skipped).to.deep.equal([{ message: 'a step before it failed' }]);
    expect(db1!.testcase!.map((c) => [c.name, c.failure?.[0]?.type, c.failure?.[0]?.message])).to.deep.equal([
      ['(host)', 'unreachable', 'unreachable: ssh: connect to host 127.0.10.9 port 22: Connection refused'],
    ]);
    expect(db2!.testcase![0]!.skipped).to.deep.equal([{ message: 'not run' }]);
  });

  it("an apply with no failure has no failure; a step's output is its system-out", async () => {
    const report = sampleReport();
    const applied = {
      ...report,
      mode: 'apply' as const,
      exitCode: 0,
      notRun: [],
      hosts: [
        {
          ...report.hosts[1]!,
          status: 'changed' as const,
          steps: [{ ...report.hosts[1]!.steps[0]!, status: 'changed' as const, output: 'done\n' }],
        },
      ],
    };
    const suites = await parsed(junitReport(applied));
    expect(suites).to.include({ tests: 1, failures: 0 });
    expect(suites.testsuite![0]!.testcase![0]).to.deep.include({ 'system-out': ['done\n'] });
  });
});
