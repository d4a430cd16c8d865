import nunjucks from 'nunjucks';
import { outputText } from './jinja-output.ts';

/** The functions of nunjucks' runtime that compiled templates call for output and for `a.b`. */
interface Runtime {
  suppressValue(value: unknown, autoescape: boolean): unknown;
  ensureDefined(value: unknown, line: number, column: number): unknown;
  memberLookup(object: unknown, name: unknown, ...rest: unknown[]): unknown;
}

/** The part of nunjucks' compiler that compiles `x is test(…)`. */
interface IsCompiler {
  compileIs(node: IsNode, frame: unknown): void;
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
  _compileAggregate(node: unknown, frame: unknown, start: string, end: string): void;
}
interface IsNode {
  readonly left: unknown;
  readonly right: { readonly name?: { readonly value: string }; readonly value?: string; readonly args?: unknown };
}

/** The part of nunjucks' parser that reads `{% raw %}…{% endraw %}`, and the lexer under it. */
interface RawParser {
  parseRaw(tagName?: string): { readonly children: { value: string }[] };
  advanceAfterBlockEnd(name?: string): { readonly value: string };
  readonly tokens: { readonly str: string; readonly index: number; readonly trimBlocks: boolean; forward(): void };
}

/** Python's list methods that change the list in place and give None (Jinja2's `{{ xs.append(1) or '' }}` prints nothing). */
const LIST_METHODS: Readonly<Record<string, (this: unknown[], ...args: unknown[]) => unknown>> = {
  append(item) {
    this.push(item);
    return null;
  },
  extend(items) {
    this.push(...(items as unknown[]));
    return null;
  },
  insert(index, item) {
    this.splice(index as number, 0, item);
    return null;
  },
  remove(item) {
    const at = this.indexOf(item);
    if (at === -1) throw new Error('ValueError: list.remove(x): x not in list');
    this.splice(at, 1);
    return null;
  },
  pop(index) {
    if (this.length === 0) throw new Error('IndexError: pop from empty list');
    return index === undefined ? this.pop() : this.splice(index as number, 1)[0];
  },
};

// Marks nunjucks itself, not this module: a playbook bundle loads its own copy of this module
// next to the engine's, and the patches below must be made once (wrapping parseRaw twice would
// keep the newline after {% raw %} twice).
const INSTALLED = Symbol.for('bosun.jinja-runtime');

/**
 * Makes bosun's nunjucks read templates as Ansible's Jinja2 does: its Jinja2 compatibility
 * (Python literals and methods), list methods that return None as Python's do, and output as
 * Python's str() (jinja-output.ts), where only an undefined value is an error. nunjucks keeps
 * these in its runtime module, which is shared by the process; bosun alone uses it.
 */
export function installAnsibleRuntime(): void {
  const marked = nunjucks as unknown as { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  nunjucks.installJinjaCompat();
  const runtime = (nunjucks as unknown as { runtime: Runtime }).runtime;
  const compatLookup = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(this: unknown, object, name, ...rest) {
    if (Array.isArray(object) && typeof name === 'string' && Object.hasOwn(LIST_METHODS, name)) return LIST_METHODS[name]!.bind(object);
    return compatLookup.call(this, object, name, ...rest);
  };
  runtime.suppressValue = (value) => outputText(value);
  jinjaRawBlocks();
  // nunjucks writes a test's arguments without commas between them, so `v is version('1.2', '>=')`
  // does not compile; the same code, with the arguments as a list.
  const compiler = (nunjucks as unknown as { compiler: { Compiler: { prototype: IsCompiler } } }).compiler.Compiler.prototype;
  compiler.compileIs = function compileIs(this: IsCompiler, node, frame) {
    const name = node.right.name ? node.right.name.value : node.right.value;
    this._emit(`env.getTest(${JSON.stringify(name)}).call(context, `);
    this.compile(node.left, frame);
    if (node.right.args) this._compileAggregate(node.right.args, frame, ',', '');
    this._emit(') === true');
  };
  runtime.ensureDefined = (value, line, column) => {
    if (value === undefined) throw new nunjucks.lib.TemplateError('attempted to output null or undefined value', line + 1, column + 1);
    return value;
  };
}

/**
 * `{% raw %}…{% endraw %}` as Jinja2 reads it with trim_blocks: the newline right after
 * `{% raw %}` is content (nunjucks' lexer drops it), `{% raw -%}` strips the whitespace that
 * follows, and the newline after `{% endraw %}` goes, as after any block tag (nunjucks keeps it).
 */
function jinjaRawBlocks(): void {
  const parser = (nunjucks as unknown as { parser: { Parser: { prototype: RawParser } } }).parser.Parser.prototype;
  const parseRaw = parser.parseRaw;
  parser.parseRaw = function jinjaRaw(this: RawParser, tagName) {
    let dropped = '';
    let strip = false;
    const advance = this.advanceAfterBlockEnd;
    this.advanceAfterBlockEnd = function advanced(this: RawParser, name) {
      const end = advance.call(this, name);
      const { str, index } = this.tokens;
      const skipped = str.slice(index - 2, index) === '\r\n' ? '\r\n' : str.slice(index - 1, index);
      strip = end.value.startsWith('-');
      const closed = str.slice(0, index - skipped.length).endsWith(end.value);
      if (this.tokens.trimBlocks && !strip && closed && (skipped === '\n' || skipped === '\r\n')) dropped = skipped;
      this.advanceAfterBlockEnd = advance;
      return end;
    };
    try {
      const output = parseRaw.call(this, tagName);
      const data = output.children[0];
      if (data !== undefined) data.value = strip ? data.value.replace(/^\s+/, '') : dropped + data.value;
      const { str, index } = this.tokens;
      if (this.tokens.trimBlocks) {
        const after = str.startsWith('\r\n', index) ? 2 : Number(str[index] === '\n');
        for (let k = 0; k < after; k += 1) this.tokens.forward();
      }
      return output;
    } finally {
      this.advanceAfterBlockEnd = advance;
    }
  };
}
