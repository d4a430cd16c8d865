import { ValidationError } from './errors.ts';
import { lines, sh, type Shell } from './shell.ts';

/** What a checked regular expression needs from the awk that will run it. */
export interface EreFeatures {
  /** It uses interval expressions (`a{2}`, `a{1,3}`), which some awks (mawk before 2020-07) read as literal text. */
  readonly intervals: boolean;
}

const CLASSES = new Set(['alnum', 'alpha', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'xdigit']);
// RE_DUP_MAX: the largest count POSIX guarantees in an interval.
const DUP_MAX = 255;

/**
 * Checks that `pattern` is a POSIX extended regular expression whose meaning POSIX
 * defines (XBD 9.4): what awk on any host reads the same way. Refused, with the field
 * and the position: unbalanced parentheses or brackets, an empty group or alternative,
 * a repetition with nothing to repeat or after another, a `{` that is not an interval,
 * an unknown character class, a backwards range, a range that starts or ends at a class or
 * collating element or starts where another range ends (`[a-c-e]`: POSIX leaves it undefined,
 * and busybox's awk refuses it), a backreference, a trailing backslash.
 */
export function posixEre(pattern: string, field: string): EreFeatures {
  const fail = (at: number, problem: string): never => {
    throw new ValidationError(field, `${JSON.stringify(pattern)} is not a POSIX extended regular expression: ${problem} (at offset ${at})`);
  };
  let intervals = false;
  // Per open group (and the whole pattern): whether the current alternative is still empty.
  const empty: boolean[] = [true];
  // What the last token allows: a repetition needs something to repeat, and not a repetition.
  let last: 'start' | 'atom' | 'anchor' | 'repeat' = 'start';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const repeat = (): void => {
      if (last === 'start' || last === 'anchor') fail(i, `${c} has nothing before it to repeat (write \\${c} for the character)`);
      if (last === 'repeat') fail(i, `${c} follows another repetition, which POSIX leaves undefined`);
      last = 'repeat';
    };
    switch (c) {
      case '\\': {
        const next = pattern[i + 1];
        if (next === undefined) fail(i, 'it ends with a backslash');
        if (/[0-9]/.test(next!)) fail(i, `\\${next} is a backreference, which EREs do not have`);
        i += 1;
        last = 'atom';
        break;
      }
      case '[':
        i = bracketEnd(pattern, i, fail);
        last = 'atom';
        break;
      case '(':
        // Valid POSIX, but it can match nothing and Debian's mawk refuses to compile it.
        if (pattern[i - 1] === '$' && pattern[i - 2] !== '\\') fail(i, '$ before ( matches nothing (and mawk refuses it)');
        empty.push(true);
        last = 'start';
        continue;
      case ')':
        if (empty.length === 1) fail(i, 'a ) closes no group (write \\) for the character)');
        if (empty.pop()) fail(i, 'a group or alternative is empty');
        last = 'atom';
        break;
      case '|':
        if (empty.at(-1)) fail(i, 'an alternative is empty');
        empty[empty.length - 1] = true;
        last = 'start';
        continue;
      case '*':
      case '+':
      case '?':
        repeat();
        break;
      case '{': {
        const interval = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
        if (interval === null) fail(i, '{ starts no interval like {2} or {1,3} (write \\{ for the character)');
        const [whole, min, comma, max] = interval!;
        if (Number(min) > DUP_MAX || (max !== undefined && max !== '' && Number(max) > DUP_MAX))
          fail(i, `interval counts above ${DUP_MAX}`);
        if (comma !== undefined && max !== '' && Number(max) < Number(min)) fail(i, `interval ${whole} counts backwards`);
        repeat();
        intervals = true;
        i += whole!.length - 1;
        break;
      }
      case '^':
      case '$':
        last = 'anchor';
        break;
      default:
        last = 'atom';
    }
    empty[empty.length - 1] = false;
  }
  if (empty.length > 1) fail(pattern.length, 'a ( is never closed');
  if (empty[0] && pattern.includes('|')) fail(pattern.length, 'an alternative is empty');
  return { intervals };
}

/** The index of the `]` that ends the bracket expression starting at `open`. */
function bracketEnd(pattern: string, open: number, fail: (at: number, problem: string) => never): number {
  let i = open + 1;
  if (pattern[i] === '^') i += 1;
  // A `]` first in the list is the character itself.
  let previous: string | undefined;
  if (pattern[i] === ']') {
    previous = ']';
    i += 1;
  }
  // Whether the last item was a class, a collating element or a range: no range may start there.
  let ended = false;
  for (; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === ']') return i;
    // mawk reads a backslash inside brackets as an escape, busybox's awk (POSIX regcomp) as itself.
    if (c === '\\') fail(i, 'a backslash inside [ ] means different things to different awks (write it outside, as \\\\)');
    if (c === '[' && /[:=.]/.test(pattern[i + 1] ?? '')) {
      const kind = pattern[i + 1]!;
      const close = pattern.indexOf(`${kind}]`, i + 2);
      if (close < 0) fail(i, `[${kind} is never closed with ${kind}]`);
      const name = pattern.slice(i + 2, close);
      if (kind === ':' && !CLASSES.has(name)) fail(i, `[:${name}:] is not a character class (${[...CLASSES].join(', ')})`);
      i = close + 1;
      previous = undefined;
      ended = true;
      continue;
    }
    const rangeTo = c === '-' && pattern[i + 1] !== undefined && pattern[i + 1] !== ']' ? pattern[i + 1]! : undefined;
    if (rangeTo !== undefined && previous === undefined && ended) {
      fail(i, 'a range starts at a class, a collating element or the end of another range');
    }
    if (rangeTo !== undefined && previous !== undefined) {
      if (rangeTo === '[') fail(i, 'a range ends in a class or collating element');
      if ((previous.codePointAt(0) ?? 0) > (rangeTo.codePointAt(0) ?? 0)) fail(i, `the range ${previous}-${rangeTo} runs backwards`);
      i += 1;
      previous = undefined;
      ended = true;
      continue;
    }
    previous = c;
    ended = false;
  }
  return fail(open, 'a [ is never closed with ]');
}

/**
 * Inside a check: each pattern is one the host's awk accepts (and, where intervals are
 * used, reads as intervals); otherwise the step cannot be applied on this host.
 */
export function ereProbe(
  patterns: readonly { readonly field: string; readonly pattern: string; readonly features: EreFeatures }[],
): Shell | undefined {
  if (patterns.length === 0) return undefined;
  const intervals = patterns.some(({ features }) => features.intervals);
  return lines(
    ...patterns.map(
      ({ field, pattern }) =>
        sh`BOSUN_RE=${pattern} awk 'BEGIN { if ("" ~ ENVIRON["BOSUN_RE"]) x = 1 }' </dev/null >/dev/null 2>&1 || _bosun_cannot ${`${field}: this host's awk refuses the regexp ${JSON.stringify(pattern)}`}`,
    ),
    intervals
      ? sh`echo aa | awk '/^a{2}$/ { f = 1 } END { exit !f }' || _bosun_cannot ${"this host's awk reads {m,n} as literal text, not as an interval: write the repetition out"}`
      : undefined,
  );
}
