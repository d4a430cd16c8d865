import { outputText } from './jinja-output.ts';

/**
 * Python's printf-style `%` with positional values: s, r, d, i, f, F, e, x, X, o and %%, with
 * flags (`-0+ `), width and precision. Another conversion, or too few values, is an error.
 */
export function pythonFormat(format: string, args: readonly unknown[]): string {
  let next = 0;
  const out = format.replace(
    /%([-0+ #]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g,
    (_match, flags: string, width?: string, precision?: string, type = '') => {
      if (type === '%') return '%';
      if (next >= args.length) throw new Error('format: not enough arguments for the format string');
      const value = args[next++];
      let text: string;
      const number = Number(value);
      const digits = precision === undefined ? undefined : Number(precision);
      switch (type) {
        case 's':
          text = outputText(value);
          break;
        case 'r':
          text = typeof value === 'string' ? outputText([value]).slice(1, -1) : outputText(value);
          break;
        case 'd':
        case 'i':
          text = Math.trunc(number).toString();
          break;
        case 'f':
        case 'F':
          text = number.toFixed(digits ?? 6);
          break;
        case 'e':
          text = number.toExponential(digits ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
          break;
        case 'x':
        case 'X':
        case 'o': {
          const radix = type === 'o' ? 8 : 16;
          text = Math.trunc(number).toString(radix);
          if (type === 'X') text = text.toUpperCase();
          break;
        }
        default:
          throw new Error(`format: unsupported conversion %${type}`);
      }
      if (type === 's' && digits !== undefined) text = text.slice(0, digits);
      if (flags.includes('+') && /^[dieEfFxXo]$/.test(type) && number >= 0) text = `+${text}`;
      else if (flags.includes(' ') && /^[dieEfFxXo]$/.test(type) && number >= 0) text = ` ${text}`;
      const pad = Number(width ?? 0) - text.length;
      if (pad <= 0) return text;
      if (flags.includes('-')) return text + ' '.repeat(pad);
      if (flags.includes('0') && type !== 's' && type !== 'r') {
        const sign = /^[-+ ]/.test(text) ? (text[0] ?? '') : '';
        return sign + '0'.repeat(pad) + text.slice(sign.length);
      }
      return ' '.repeat(pad) + text;
    },
  );
  if (next < args.length) throw new Error('format: not all arguments converted during string formatting');
  return out;
}
