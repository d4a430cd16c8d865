import { invalid, type Origin } from './origin.ts';

/** The hosts one inventory entry stands for, and the port written after it (`host:2222`). */
export interface ExpandedHosts {
  readonly names: string[];
  readonly port?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
// A bracket group or a run of characters that are neither brackets nor colons.
const HOST_PART = /^(?:[^:[\]]|\[[^\]]*\])+$/;

/**
 * Expands an inventory host entry as Ansible does: an optional `:port` suffix
 * (or `[addr]:port` for IPv6), then every `[a:b]` / `[a:b:step]` range, numeric
 * (`web[01:10]`, zero padding kept) or alphabetic (`db-[a:c]`), several per name.
 * Unlike Ansible, a range that yields no host (`[5:1]`) is an error, not silence.
 */
export function expandHostPattern(entry: string, at: Origin): ExpandedHosts {
  const { host, port } = splitPort(entry, at);
  if (host.trim() === '') throw invalid('host', `empty host name in '${entry}'`, at);
  if (!host.includes('[')) return port === undefined ? { names: [host] } : { names: [host], port };
  const names: string[] = [];
  expandRanges(host, at, names);
  return port === undefined ? { names } : { names, port };
}

function splitPort(entry: string, at: Origin): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: checkPort(bracketed[2]!, entry, at) };
  const colon = entry.lastIndexOf(':');
  if (colon > 0) {
    const head = entry.slice(0, colon);
    const tail = entry.slice(colon + 1);
    if (/^\d+$/.test(tail) && HOST_PART.test(head)) return { host: head, port: checkPort(tail, entry, at) };
    if (tail === '' && HOST_PART.test(head)) {
      throw invalid('host', `'${entry}' ends in ':' but gives no port`, at);
    }
  }
  return { host: entry };
}

function checkPort(digits: string, entry: string, at: Origin): number {
  const port = Number(digits);
  if (port < 1 || port > 65535) throw invalid('port', `${digits} in '${entry}' is not a TCP port (1-65535)`, at);
  return port;
}

function expandRanges(name: string, at: Origin, out: string[]): void {
  const open = name.indexOf('[');
  if (open < 0) {
    out.push(name);
    return;
  }
  const close = name.indexOf(']', open);
  if (close < 0) throw invalid('host', `range in '${name}' has no closing ']'`, at);
  const head = name.slice(0, open);
  const body = name.slice(open + 1, close);
  const tail = name.slice(close + 1);
  for (const item of rangeItems(body, name, at)) expandRanges(head + item + tail, at, out);
}

function rangeItems(body: string, name: string, at: Origin): string[] {
  const bounds = body.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw invalid('host', `range [${body}] in '${name}' must be [begin:end] or [begin:end:step]`, at);
  }
  const begin = bounds[0] === '' ? '0' : bounds[0]!;
  const end = bounds[1]!;
  const stepText = bounds[2] ?? '1';
  if (end === '') throw invalid('host', `range [${body}] in '${name}' has no end`, at);
  if (!/^[1-9]\d*$/.test(stepText)) throw invalid('host', `range [${body}] in '${name}' has a bad step '${stepText}'`, at);
  const step = Number(stepText);
  const items: string[] = [];
  if (/^[A-Za-z]$/.test(begin) && /^[A-Za-z]$/.test(end)) {
    const from = LETTERS.indexOf(begin);
    const to = LETTERS.indexOf(end);
    if (from > to) throw invalid('host', `range [${body}] in '${name}' goes backwards`, at);
    for (let i = from; i <= to; i += step) items.push(LETTERS[i]!);
    return items;
  }
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) {
    throw invalid('host', `range [${body}] in '${name}' must be numbers or single letters`, at);
  }
  // A leading zero asks for zero padding, and then both ends must have the same width.
  const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0;
  if (width > 0 && end.length !== width) {
    throw invalid('host', `range [${body}] in '${name}' pads '${begin}' but not '${end}' to the same width`, at);
  }
  const from = Number(begin);
  const to = Number(end);
  if (from > to) throw invalid('host', `range [${body}] in '${name}' goes backwards`, at);
  for (let i = from; i <= to; i += step) items.push(width > 0 ? String(i).padStart(width, '0') : String(i));
  return items;
}
