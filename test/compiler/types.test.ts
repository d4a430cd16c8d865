import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';
import { patience } from '../support/patience.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = 'test/fixtures/types/bad-role-params.ts';

interface Found {
  readonly line: number;
  /** The source text the error points at. */
  readonly at: string;
  readonly message: string;
}

describe('compiler: role parameters are checked by the type checker @integration', function () {
  this.timeout(patience(60_000));
  let found: Found[];
  let expected: { line: number; why: string }[];

  before(async () => {
    const source = await readFile(`${ROOT}${FIXTURE}`, 'utf8');
    // Blank out each directive (keeping line numbers) so the errors it expects are reported.
    expected = [];
    const stripped = source
      .split('\n')
      .map((text, index) => {
        const directive = /^\s*\/\/ @ts-expect-error (.*)$/.exec(text);
        if (directive === null) return text;
        expected.push({ line: index + 2, why: directive[1]! });
        return '';
      })
      .join('\n');
    const project = new Project({ tsConfigFilePath: `${ROOT}tsconfig.json`, skipAddingFilesFromTsConfig: true });
    const file = project.createSourceFile(`${ROOT}test/fixtures/types/bad-role-params.stripped.ts`, stripped, { overwrite: true });
    found = file.getPreEmitDiagnostics().map((diagnostic) => {
      const start = diagnostic.getStart() ?? 0;
      return {
        line: diagnostic.getLineNumber() ?? 0,
        at: stripped.slice(start, start + (diagnostic.getLength() ?? 0)),
        message: ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, '\n'),
      };
    });
  });

  it('the fixture holds six wrong parameters', () => {
    expect(expected.map((e) => e.why)).to.deep.equal([
      'unknown key',
      'wrong type',
      'relative path literal',
      'bad mode literal',
      'symbolic mode',
      'relative path literal',
    ]);
  });

  it('reports exactly one error per wrong parameter, on its line, and no other', () => {
    expect(
      found.map((f) => f.line).sort((a, b) => a - b),
      JSON.stringify(found, null, 2),
    ).to.deep.equal(expected.map((e) => e.line));
  });

  const cases: [string, string, RegExp][] = [
    ['unknown key', 'origns', /'origns' does not exist in type 'UnattendedUpgradesProps'/],
    ['wrong type', 'logRotate', /Type 'string' is not assignable to type 'number'/],
    ['relative path literal', 'logDir', /"var\/log\/unattended-upgrades".* is not assignable to type '`\/\$\{string\}`'/],
    ['bad mode literal', 'mode', /"0999".* is not assignable to type 'FileMode( \| undefined)?'/],
    ['symbolic mode', 'mode', /"rw-r--r--".* is not assignable to type 'FileMode( \| undefined)?'/],
  ];
  for (const [why, field, message] of cases) {
    it(`${why}: the error points at ${field} and says why`, () => {
      const line = expected.find((e) => e.why === why)!.line;
      const error = found.find((f) => f.line === line);
      expect(error, JSON.stringify(found, null, 2)).not.to.equal(undefined);
      expect(error!.at).to.equal(field);
      expect(error!.message, error!.message).to.match(message);
    });
  }

  it('relative path literal in a resource: the error points at path', () => {
    const line = expected.filter((e) => e.why === 'relative path literal')[1]!.line;
    const error = found.find((f) => f.line === line);
    expect(error?.at).to.equal('path');
    expect(error?.message).to.match(/"etc\/web.conf".* is not assignable to type '`\/\$\{string\}`'/);
  });
});
