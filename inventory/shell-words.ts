/**
 * Splits a string into words the way a POSIX shell (and Python's `shlex.split`,
 * which Ansible uses) would, without evaluating anything: no variables, no
 * globs, no command substitution. Quotes group, backslash escapes.
 *
 * With `comments`, an unquoted `#` ends the line (as in INI host lines, where
 * Ansible passes `comments=True`).
 *
 * Throws a plain `Error` naming the problem (unterminated quote, trailing
 * backslash); callers wrap it with the file and line.
 */
export function splitShellWords(text: string, options: { comments?: boolean } = {}): string[] {
  const words: string[] = [];
  let word = '';
  // A word exists once a character or a pair of quotes was seen: "" is an empty word.
  let inWord = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '#' && options.comments) {
      break;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error('no closing quotation');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new Error('no closing quotation');
        const d = text[i]!;
        if (d === '"') break;
        // Inside double quotes a backslash only escapes `"` and `\` (shlex's posix rules).
        if (d === '\\' && i + 1 < n && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= n) throw new Error('no escaped character');
      word += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
