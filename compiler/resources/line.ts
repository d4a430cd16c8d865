import { type EreFeatures, ereProbe, posixEre } from '../ere.ts';
import { sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, bool, knownKeys, oneLine, oneOf, type AbsolutePath, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { editApply, editCheck, editDiffProbe } from './edit-in-place.ts';

/**
 * One line in a file, as Ansible's lineinfile: with `regexp`, the last matching
 * line is replaced by `line`; otherwise `line` is added unless already there.
 * Regular expressions are POSIX EREs (awk's), not Python's.
 */
export type LineProps = LinePresentProps | LineAbsentProps;

interface LineCommon extends CommonProps {
  readonly path: AbsolutePath;
}

export interface LinePresentProps extends LineCommon {
  readonly state?: 'present';
  readonly line: string;
  readonly regexp?: string;
  /** Where a new line goes: after the last line matching this ERE, or `EOF` (default). */
  readonly insertAfter?: string;
  /** Where a new line goes: before the first line matching this ERE, or `BOF`. */
  readonly insertBefore?: string;
  /** Create the file when missing (default false: a missing file is an error). */
  readonly create?: boolean;
}

export interface LineAbsentProps extends LineCommon {
  readonly state: 'absent';
  /** Remove every line matching this ERE… */
  readonly regexp?: string;
  /** …or every line equal to this. */
  readonly line?: string;
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

export function compileLine(resource: LineResource): Step {
  knownKeys(resource, KEYS, 'line');
  const path = absolutePath(resource.path, 'line.path');
  const where = `line(${path})`;
  const state = oneOf(resource.state ?? 'present', `${where}.state`, ['present', 'absent'] as const);
  const value = (key: string): string => {
    const given = (resource as unknown as Record<string, unknown>)[key];
    return given === undefined ? '' : oneLine(given, `${where}.${key}`);
  };
  const lineText = value('line');
  const regexp = value('regexp');
  if (state === 'present' && resource.line === undefined) oneLine(undefined, `${where}.line`);
  if (state === 'absent' && regexp === '' && resource.line === undefined) oneLine(undefined, `${where}.regexp`);
  const create = resource.state !== 'absent' && resource.create !== undefined && bool(resource.create, `${where}.create`);
  const transform =
    state === 'present'
      ? sh`BOSUN_LINE=${lineText} BOSUN_REGEXP=${regexp} BOSUN_AFTER=${value('insertAfter')} BOSUN_BEFORE=${value('insertBefore')} awk ${PRESENT}`
      : sh`BOSUN_LINE=${lineText} BOSUN_REGEXP=${regexp} awk ${ABSENT}`;
  const probe = ereProbe(patterns(where, { regexp, insertAfter: value('insertAfter'), insertBefore: value('insertBefore') }));
  const edit = { path, transform, create: create || state === 'absent', ...(probe && { probe }) };
  return {
    name: `line ${path}: ${state === 'present' ? lineText : regexp || lineText}`,
    resource: 'line',
    ...commonFields(resource, where),
    // An absent line in a missing file is already absent.
    check: state === 'absent' ? sh`[ ! -e ${path} ] || { ${editCheck({ ...edit, create: false })}; }` : editCheck(edit),
    makes: create ? [path] : [],
    apply: editApply(edit),
    diff: { path, sensitive: false, probe: editDiffProbe(edit) },
  };
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
