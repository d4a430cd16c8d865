import { ValidationError } from '../compiler/errors.ts';
import { globToRegex } from '../compiler/glob.ts';

/** What host patterns are matched against. */
export interface PatternTarget {
  /** Group names, in the order groups were created (`all` and `ungrouped` first). */
  readonly groupNames: readonly string[];
  /** Host names, in inventory order. */
  readonly hostNames: readonly string[];
  hasHost(name: string): boolean;
  /** Hosts of a group and of all groups below it (the group's own first, then breadth first). */
  hostsOf(group: string): readonly string[];
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;

/**
 * Evaluates an Ansible host pattern and returns host names, without
 * duplicates. As Ansible's InventoryManager:
 *
 * - `a,b` or `a:b` (union), `a:&b` (intersection), `a:!b` (exclusion); plain
 *   parts are applied first, then `&` parts, then `!` parts, whatever the
 *   order written; only `&`/`!` parts means `all` first;
 * - each part is a host or group name, a glob (`web*`, `db?`, `[ab]*`) or a
 *   regex after `~` (anchored at the start, as Python's re.match);
 * - a name matching a group gives its hosts and its descendants' hosts; a
 *   glob or regex also matches host names;
 * - `name[0]`, `name[-1]`, `name[1:3]`, `name[2:]` pick from what a part
 *   matched (an index out of range is an error);
 * - a part that matches nothing contributes nothing (no error).
 */
export function matchPattern(pattern: string, target: PatternTarget): string[] {
  const parts = orderParts(splitPattern(pattern));
  let result: string[] = [];
  let have = new Set<string>();
  for (const part of parts) {
    if (target.hasHost(part)) {
      if (!have.has(part)) {
        have.add(part);
        result.push(part);
      }
      continue;
    }
    const matched = matchOne(part, target);
    if (part[0] === '!') {
      const drop = new Set(matched);
      result = result.filter((h) => !drop.has(h));
      have = new Set(result);
    } else if (part[0] === '&') {
      const keep = new Set(matched);
      result = result.filter((h) => keep.has(h));
      have = new Set(result);
    } else {
      for (const h of matched) {
        if (!have.has(h)) {
          have.add(h);
          result.push(h);
        }
      }
    }
  }
  return result;
}

/** Ansible's split_host_pattern: commas if any, else colons outside brackets (an address stays whole). */
export function splitPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isAddress(pattern.trim())) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** A host name or address, maybe with ranges and a port: `web[1:3]`, `db:22`, `::1`, `[::1]:22`. */
function isAddress(text: string): boolean {
  if (/^[0-9a-fA-F]*:[0-9a-fA-F:.]*:[0-9a-fA-F.]*$/.test(text)) return true;
  if (/^\[[^\]]+\]:\d+$/.test(text)) return true;
  const m = /^((?:[A-Za-z0-9_.-]|\[[^\]]*\])+)(?::\d+)?$/.exec(text);
  return m !== null;
}

function orderParts(parts: string[]): string[] {
  const plain = parts.filter((p) => p[0] !== '&' && p[0] !== '!');
  const and = parts.filter((p) => p[0] === '&');
  const not = parts.filter((p) => p[0] === '!');
  return [...(plain.length === 0 ? ['all'] : plain), ...and, ...not];
}

function matchOne(part: string, target: PatternTarget): string[] {
  const body = part[0] === '&' || part[0] === '!' ? part.slice(1) : part;
  if (body === '') throw new ValidationError('pattern', `'${part}' has an operator and no name`);
  const { expr, subscript } = splitSubscript(body);
  const test = compile(expr);
  const results: string[] = [];
  const groups = target.groupNames.filter((g) => test(g));
  for (const g of groups) results.push(...target.hostsOf(g));
  if (groups.length === 0 || expr[0] === '~' || /[.?*[]/.test(expr)) {
    for (const h of target.hostNames) if (test(h)) results.push(h);
  }
  return applySubscript(results, subscript, part);
}

function splitSubscript(pattern: string): { expr: string; subscript?: [number, number | undefined] } {
  if (pattern[0] === '~') return { expr: pattern };
  const m = SUBSCRIPT.exec(pattern);
  if (m === null) return { expr: pattern };
  if (m[2] !== undefined) return { expr: m[1]!, subscript: [Number(m[2]), undefined] };
  return { expr: m[1]!, subscript: [Number(m[3]), m[5] === '' ? -1 : Number(m[5])] };
}

function applySubscript(hosts: string[], subscript: [number, number | undefined] | undefined, part: string): string[] {
  if (subscript === undefined || hosts.length === 0) return hosts;
  const [start, end] = subscript;
  if (end !== undefined && end !== 0) {
    return hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
  }
  const index = start < 0 ? hosts.length + start : start;
  const host = hosts[index];
  if (host === undefined || index < 0) {
    throw new ValidationError('pattern', `'${part}' asks for host ${start} of ${hosts.length} matched`);
  }
  return [host];
}

/** A predicate for one name: exact, glob (fnmatch, whole name), or `~regex` (re.match: from the start). */
function compile(expr: string): (name: string) => boolean {
  if (expr[0] === '~') {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${pythonRegex(expr.slice(1))})`, 's');
    } catch (error) {
      throw new ValidationError('pattern', `'${expr}' is not a valid regular expression: ${(error as Error).message}`);
    }
    return (name) => re.test(name);
  }
  if (!/[*?[]/.test(expr)) return (name) => name === expr;
  const re = new RegExp(`^${globToRegex(expr)}$`, 's');
  return (name) => re.test(name);
}

/** The few Python regex spellings that differ in JavaScript. */
function pythonRegex(source: string): string {
  return source.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
}
