import { type EreFeatures, ereProbe, posixEre } from '../ere.ts';
import { ValidationError } from '../errors.ts';
import { sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, bool, knownKeys, oneLine, oneOf, type AbsolutePath, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { editApply, editCheck, editDiffProbe } from './edit-in-place.ts';
import { validateCommand } from './file.ts';

/**
 * One line in a file, as Ansible's lineinfile: with `regexp`, the last matching
 * line is replaced by `line`; otherwise `line` is added unless already there.
 * Regular expressions are POSIX EREs (awk's), not Python's.
 */
export type LineProps = LinePresentProps | LineAbsentProps | LineCommentedProps;

interface LineCommon extends CommonProps {
  /** The file to edit. */
  readonly path: AbsolutePath;
  /**
   * A command that must accept the edited file before it replaces the old one, as words;
   * `%s` stands for the edited copy (a temp file in the same directory): `['visudo', '-cf', '%s']`.
   * A refused edit leaves the file untouched. Runs in apply mode only (check mode writes no temp file).
   */
  readonly validate?: readonly string[];
}

export interface LinePresentProps extends LineCommon {
  /** The line is in the file (default). */
  readonly state?: 'present';
  /** The whole line, without its line break. */
  readonly line: string;
  /** The last line matching this ERE is replaced by `line`; without a match, `line` is added. */
  readonly regexp?: string;
  /** Where a new line goes: after the last line matching this ERE, or `EOF` (default). */
  readonly insertAfter?: string;
  /** Where a new line goes: before the first line matching this ERE, or `BOF`. */
  readonly insertBefore?: string;
  /** Create the file when missing (default false: a missing file is an error). */
  readonly create?: boolean;
}

export interface LineAbsentProps extends LineCommon {
  /** No such line is in the file (a missing file is fine). */
  readonly state: 'absent';
  /** Remove every line matching this ERE… */
  readonly regexp?: string;
  /** …or every line equal to this. */
  readonly line?: string;
}

/**
 * Comment out the lines matching `regexp`, only where there are some (as Ansible's lineinfile with
 * `backrefs: yes` and `line: '#\\1'`): `Defaults requiretty` becomes `#Defaults requiretty`. A file
 * where no line matches is left byte for byte as it is, and a line that already starts with the
 * comment prefix is left alone, so the edit is idempotent whatever the regexp.
 */
export interface LineCommentedProps extends LineCommon {
  readonly state: 'commented';
  /** The lines to comment out (a POSIX ERE), e.g. `^Defaults[[:space:]]+requiretty`. */
  readonly regexp: string;
  /** What a commented-out line starts with: default `#`. */
  readonly prefix?: string;
}

export type LineResource = LineProps & { readonly type: 'line' };

export function line(props: LineProps): LineResource {
  return { type: 'line', ...props };
}

const KEYS = keysOf<LineResource>({
  type: true,
  path: true,
  state: true,
  line: true,
  regexp: true,
  insertAfter: true,
  insertBefore: true,
  create: true,
  validate: true,
  prefix: true,
  ...COMMON_KEYS,
});

// Values reach awk through ENVIRON, never -v (which would expand backslashes).
// Comparisons append "" so awk compares strings, never numbers.
const PRESENT = `BEGIN { line = ENVIRON["BOSUN_LINE"]; re = ENVIRON["BOSUN_REGEXP"]; after = ENVIRON["BOSUN_AFTER"]; before = ENVIRON["BOSUN_BEFORE"]; n = 0 }
{ l[++n] = $0 }
END {
  m = 0; e = 0; a = 0; b = 0
  for (i = 1; i <= n; i++) {
    if (re != "" && l[i] ~ re) m = i
    if ((l[i] "") == (line "")) e = i
    if (after != "" && after != "EOF" && l[i] ~ after) a = i
    if (before != "" && b == 0 && (before == "BOF" || l[i] ~ before)) b = i
  }
  if (m) l[m] = line
  add = !m && !e
  for (i = 1; i <= n; i++) {
    if (add && b && i == b) { print line; add = 0 }
    print l[i]
    if (add && a && i == a) { print line; add = 0 }
  }
  if (add) print line
}`;

const ABSENT = `BEGIN { line = ENVIRON["BOSUN_LINE"]; re = ENVIRON["BOSUN_REGEXP"] }
{ if ((re != "" && $0 ~ re) || (re == "" && ($0 "") == (line ""))) next; print }`;

// A line to comment out: it matches and does not start with the prefix yet.
const UNCOMMENTED = `BEGIN { re = ENVIRON["BOSUN_REGEXP"]; p = ENVIRON["BOSUN_PREFIX"]; n = length(p) }
function due() { return $0 ~ re && (substr($0, 1, n) "") != (p "") }`;
const FIND = `${UNCOMMENTED}
due() { found = 1; exit }
END { exit !found }`;
const COMMENT = `${UNCOMMENTED}
{ if (due()) print p $0; else print }`;

export function compileLine(resource: LineResource): Step {
  knownKeys(resource, KEYS, 'line');
  const path = absolutePath(resource.path, 'line.path');
  const where = `line(${path})`;
  const state = oneOf(resource.state ?? 'present', `${where}.state`, ['present', 'absent', 'commented'] as const);
  const value = (key: string): string => {
    const given = (resource as unknown as Record<string, unknown>)[key];
    return given === undefined ? '' : oneLine(given, `${where}.${key}`);
  };
  const lineText = value('line');
  const regexp = value('regexp');
  const given = resource as { readonly line?: unknown };
  if (state === 'present' && given.line === undefined) oneLine(undefined, `${where}.line`);
  if (state === 'absent' && regexp === '' && given.line === undefined) oneLine(undefined, `${where}.regexp`);
  if (state === 'commented' && regexp === '') throw new ValidationError(`${where}.regexp`, 'must name the lines to comment out');
  const prefix = state === 'commented' ? value('prefix') || '#' : '';
  if (state === 'commented' && resource.state === 'commented' && resource.prefix === '')
    throw new ValidationError(`${where}.prefix`, 'must not be empty');
  const create =
    resource.state === undefined || resource.state === 'present'
      ? resource.create !== undefined && bool(resource.create, `${where}.create`)
      : false;
  const validate = resource.validate === undefined ? undefined : validateCommand(resource.validate, `${where}.validate`);
  const transform = transformOf(state, { line: lineText, regexp, prefix, after: value('insertAfter'), before: value('insertBefore') });
  const probe = ereProbe(patterns(where, { regexp, insertAfter: value('insertAfter'), insertBefore: value('insertBefore') }));
  // An absent or commented-out line in a missing file is already so.
  const edit = { path, transform, create: create || state !== 'present', ...(probe && { probe }), ...(validate && { validate }) };
  return {
    name: `line ${path}: ${{ present: lineText, absent: regexp || lineText, commented: `commented ${regexp}` }[state]}`,
    resource: 'line',
    ...commonFields(resource, where),
    check: state === 'present' ? editCheck(edit) : sh`[ ! -e ${path} ] || { ${editCheck({ ...edit, create: false })}; }`,
    makes: create ? [path] : [],
    apply: editApply(edit),
    diff: { path, sensitive: false, probe: editDiffProbe(edit) },
  };
}

/** The awk edit of each state, reading the file on stdin and printing the wanted file. */
function transformOf(
  state: 'present' | 'absent' | 'commented',
  values: { line: string; regexp: string; prefix: string; after: string; before: string },
): Shell {
  if (state === 'present')
    return sh`BOSUN_LINE=${values.line} BOSUN_REGEXP=${values.regexp} BOSUN_AFTER=${values.after} BOSUN_BEFORE=${values.before} awk ${PRESENT}`;
  if (state === 'absent') return sh`BOSUN_LINE=${values.line} BOSUN_REGEXP=${values.regexp} awk ${ABSENT}`;
  // awk ends every line it prints with a newline: a file where nothing is due passes through the
  // shell untouched instead, so that not even a missing final newline is added.
  const env = sh`BOSUN_REGEXP=${values.regexp} BOSUN_PREFIX=${values.prefix}`;
  return sh`{ _bosun_c=$(cat; echo x); _bosun_c=\${_bosun_c%x}
if printf '%s' "$_bosun_c" | ${env} awk ${FIND}; then printf '%s' "$_bosun_c" | ${env} awk ${COMMENT}; else printf '%s' "$_bosun_c"; fi; }`;
}

/**
 * The regular expressions of a line or block edit, checked as POSIX EREs (the insert
 * positions' `EOF` and `BOF` are keywords, not patterns), for the host-side probe.
 */
export function patterns(
  where: string,
  given: Readonly<Record<string, string>>,
): { field: string; pattern: string; features: EreFeatures }[] {
  return Object.entries(given)
    .filter(
      ([key, pattern]) => pattern !== '' && !(key === 'insertAfter' && pattern === 'EOF') && !(key === 'insertBefore' && pattern === 'BOF'),
    )
    .map(([key, pattern]) => ({ field: `${where}.${key}`, pattern, features: posixEre(pattern, `${where}.${key}`) }));
}
