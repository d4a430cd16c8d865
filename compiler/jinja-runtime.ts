import nunjucks from 'nunjucks';
import { outputText } from './jinja-output.ts';

/** The functions of nunjucks' runtime that compiled templates call for output, for `a.b` and for a name. */
interface Runtime {
  suppressValue(value: unknown, autoescape: boolean): unknown;
  ensureDefined(value: unknown, line: number, column: number): unknown;
  memberLookup(...args: unknown[]): unknown;
  contextOrFrameLookup(...args: unknown[]): unknown;
}

/** Lookups of a missing attribute or item during one evaluateJinja (jinja.ts), in order. */
export interface MissingWatch {
  readonly missing: string[];
  /** Inside a slice (`xs[1:]`), whose own lookups are not the template's. */
  slicing: number;
}

/** What every copy of bosun's jinja modules shares through nunjucks' runtime object. */
export interface RuntimeState {
  /** Set while an evaluateJinja runs: the lookups record their misses in it. */
  watch?: MissingWatch;
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
// keep the newline after {% raw %} twice). It holds the state every copy shares.
const INSTALLED = Symbol.for('bosun.jinja-runtime');

/**
 * Makes bosun's nunjucks read templates as Ansible's Jinja2 does: its Jinja2 compatibility
 * (Python literals and methods), list methods that return None as Python's do, output as
 * Python's str() (jinja-output.ts), where only an undefined value is an error, and strict
 * undefined for evaluateJinja (see wrapLookups). nunjucks keeps these in its runtime module,
 * which is shared by the process; bosun alone uses it. Returns the state all copies share.
 */
export function installAnsibleRuntime(): RuntimeState {
  const runtime = (nunjucks as unknown as { runtime: Runtime & { [INSTALLED]?: RuntimeState } }).runtime;
  const existing = runtime[INSTALLED];
  if (existing !== undefined) return existing;
  const shared: RuntimeState = {};
  runtime[INSTALLED] = shared;
  nunjucks.installJinjaCompat();
  wrapLookups(runtime, shared);
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
  return shared;
}

/**
 * The one wrapper of `a.b`/`a[i]` and of names, over jinja-compat's: Python's list methods and
 * negative indexes always; and strict undefined while an evaluateJinja runs (`shared.watch`).
 * nunjucks yields undefined for a missing attribute and carries on; Jinja's StrictUndefined
 * (Ansible's) fails where it is used. Compiled templates look these functions up on the shared
 * runtime object, so the wrappers record misses; jinja.ts's guards take their miss back.
 * renderJinja is unaffected.
 */
function wrapLookups(runtime: Runtime, shared: RuntimeState): void {
  const compatLookup = runtime.memberLookup;
  const member = function (this: unknown, ...args: unknown[]): unknown {
    const [object, name] = args;
    if (Array.isArray(object) && typeof name === 'string' && Object.hasOwn(LIST_METHODS, name)) return LIST_METHODS[name]!.bind(object);
    return compatLookup.apply(this, args);
  };
  runtime.memberLookup = function memberLookup(this: unknown, ...args: unknown[]): unknown {
    // Python's negative index: xs[-1] is the last item.
    const [target, key] = args;
    if (args.length === 2 && typeof key === 'number' && key < 0 && (Array.isArray(target) || typeof target === 'string')) {
      args[1] = target.length + key;
    }
    const watch = shared.watch;
    if (watch === undefined) return member.apply(this, args);
    if (args.length === 4) {
      watch.slicing++;
      try {
        return member.apply(this, args);
      } finally {
        watch.slicing--;
      }
    }
    const value = member.apply(this, args);
    if (value === undefined && watch.slicing === 0) watch.missing.push(String(args[1]));
    // Python's dict.get gives None for a missing key, not undefined.
    if (args[1] === 'get' && typeof value === 'function' && !Array.isArray(args[0]))
      return (...call: unknown[]) => (value as (...a: unknown[]) => unknown)(...call) ?? null;
    return value;
  };
  const symbol = runtime.contextOrFrameLookup;
  runtime.contextOrFrameLookup = function contextOrFrameLookup(this: unknown, ...args: unknown[]): unknown {
    const value = symbol.apply(this, args);
    // Unguarded undefined names were refused before rendering: this one is under a guard.
    if (value === undefined && shared.watch !== undefined) shared.watch.missing.push(String(args[2]));
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
