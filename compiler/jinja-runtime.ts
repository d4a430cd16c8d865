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

let installed = false;

/**
 * Makes bosun's nunjucks read templates as Ansible's Jinja2 does: its Jinja2 compatibility
 * (Python literals and methods), list methods that return None as Python's do, and output as
 * Python's str() (jinja-output.ts), where only an undefined value is an error. nunjucks keeps
 * these in its runtime module, which is shared by the process; bosun alone uses it.
 */
export function installAnsibleRuntime(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();
  const runtime = (nunjucks as unknown as { runtime: Runtime }).runtime;
  const compatLookup = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(this: unknown, object, name, ...rest) {
    if (Array.isArray(object) && typeof name === 'string' && Object.hasOwn(LIST_METHODS, name)) return LIST_METHODS[name]!.bind(object);
    return compatLookup.call(this, object, name, ...rest);
  };
  runtime.suppressValue = (value) => outputText(value);
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
