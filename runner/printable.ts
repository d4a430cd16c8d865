/**
 * Text a terminal shows as it is. Control characters (C0 but tab, DEL, C1) and the
 * Unicode bidirectional controls that can reorder what a line appears to say
 * (U+202E…) are written as escapes (`\x1b`, `\u{202e}`), so that a host name, a path or
 * a command's output can neither break the one-line-per-step output nor rewrite it.
 * `lines: true` keeps line breaks (for blocks such as diffs and command output).
 */
export function printable(text: string, options: { readonly lines?: boolean } = {}): string {
  const pattern = options.lines === true ? UNSAFE_BUT_NEWLINE : UNSAFE;
  return text.replace(pattern, (char) => {
    const code = char.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

// C0 controls but tab, DEL, C1 controls, and the bidi controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI).
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
