import { oneLine, ValidationError } from '../../index.ts';
import type { SiteCloneOptions } from './index.ts';

/** The Certbot marker the support-site clone procedure comments out (reference 000). */
export const CERTBOT_MARK = '# managed by Certbot';

/**
 * A site file made fit for a clone of its host, as the support-site procedure does by hand:
 * the host name replaced (by the clone's address), the lines Certbot added commented out, and
 * optionally the last `server {` block commented out. Pure: the same text and options give
 * the same file, so the role's step is idempotent.
 */
export function cloneSite(content: string, clone: SiteCloneOptions, where: string): string {
  let out = content;
  for (const [i, { from, to }] of (clone.replace ?? []).entries()) {
    const field = `${where}.clone.replace[${i}]`;
    if (oneLine(from, `${field}.from`) === '') throw new ValidationError(`${field}.from`, 'must not be empty');
    out = out.split(from).join(oneLine(to, `${field}.to`));
  }
  // The block first: its braces are counted before Certbot's lines inside it are commented out.
  if (clone.commentOutLastServer === true) out = commentOutLastServer(out, where);
  const mark = clone.commentOut === undefined ? CERTBOT_MARK : clone.commentOut;
  if (mark !== false) {
    if (oneLine(mark, `${where}.clone.commentOut`) === '') throw new ValidationError(`${where}.clone.commentOut`, 'must not be empty');
    out = mapLines(out, (line) => (line.includes(mark) ? commented(line) : line));
  }
  return out;
}

/** `    ssl_certificate …;` → `    # ssl_certificate …;`; a line already commented stays as it is. */
function commented(line: string): string {
  const indent = /^[ \t]*/.exec(line)![0];
  return line.slice(indent.length).startsWith('#') ? line : `${indent}# ${line.slice(indent.length)}`;
}

function mapLines(content: string, each: (line: string) => string): string {
  return content.split('\n').map(each).join('\n');
}

/** Comments out the last `server {` block that is not commented already, up to its closing brace. */
function commentOutLastServer(content: string, where: string): string {
  const lines = content.split('\n');
  const start = lines.findLastIndex((line) => /^[ \t]*server[ \t]*\{/.test(line));
  if (start === -1) throw new ValidationError(`${where}.clone.commentOutLastServer`, 'the site has no `server {` block');
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    // Braces in comments do not count; nginx reads them as text.
    const code = lines[i]!.replace(/#.*/, '');
    depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
    lines[i] = commented(lines[i]!);
    if (depth <= 0) return lines.join('\n');
  }
  throw new ValidationError(`${where}.clone.commentOutLastServer`, 'the last `server {` block has no closing brace');
}
