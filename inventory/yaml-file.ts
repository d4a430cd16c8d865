import { isAlias, isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { invalid, unreadable, type Origin } from './origin.ts';

/**
 * A parsed YAML file that can say where each node is. Parsed as YAML 1.1,
 * the dialect of Ansible's PyYAML: `yes`/`no`/`on`/`off` are booleans there,
 * and an inventory must mean the same thing to both.
 */
export class YamlFile {
  readonly doc: Document;
  private readonly lines: LineCounter;

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.lines = new LineCounter();
    this.doc = parseDocument(text, { version: '1.1', lineCounter: this.lines, prettyErrors: false, uniqueKeys: false });
    const error = this.doc.errors[0];
    if (error !== undefined) {
      const pos = this.lines.linePos(error.pos[0]);
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw unreadable(`YAML syntax error: ${message}`, { file, line: pos.line, column: pos.col }, error);
    }
  }

  /** The document's top node, aliases resolved. */
  get root(): Node | null {
    return this.resolve(this.doc.contents as Node | null);
  }

  /** Where `node` starts (the file alone for a missing node). */
  at(node: Node | null | undefined): Origin {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file: this.file };
    const pos = this.lines.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  resolve(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.resolve(node.resolve(this.doc) as Node | undefined);
    return node;
  }

  /** The plain JS value of a node (null for an empty value). */
  value(node: Node | null | undefined): unknown {
    const resolved = this.resolve(node);
    if (resolved === null) return null;
    return resolved.toJS(this.doc, { maxAliasCount: 1000 });
  }

  /** Whether a node is absent or an explicit null (`key:` with nothing after it). */
  isEmpty(node: Node | null | undefined): boolean {
    const resolved = this.resolve(node);
    return resolved === null || (isScalar(resolved) && resolved.value === null);
  }

  /**
   * The pairs of a mapping node, keys as strings, each with its position. A
   * key written twice is an error at the second one (the parser's own check
   * points at the first pair, so bosun checks here instead).
   */
  entries(map: YAMLMap, field: string): { key: string; value: Node | null; at: Origin }[] {
    const seen = new Set<string>();
    return map.items.map((pair) => {
      const keyNode = this.resolve(pair.key as Node | null);
      const at = this.at(keyNode);
      if (keyNode === null || !isScalar(keyNode) || keyNode.value === null) {
        throw invalid(field, 'a key must be a plain name', at);
      }
      // A key such as `1:20` or `0777` is a number in YAML 1.1; the name is what was written.
      const key = typeof keyNode.value === 'string' ? keyNode.value : (keyNode.source ?? String(keyNode.value));
      if (seen.has(key)) throw invalid(field, `duplicate key '${key}'`, at);
      seen.add(key);
      return { key, value: pair.value as Node | null, at };
    });
  }

  /** A mapping node, or an error naming `field`; `null` when empty and `optional`. */
  mapping(node: Node | null | undefined, field: string, at: Origin): YAMLMap | null {
    const resolved = this.resolve(node);
    if (this.isEmpty(resolved)) return null;
    if (!isMap(resolved)) throw invalid(field, `must be a mapping, got ${describe(this.value(resolved))}`, this.at(resolved) ?? at);
    return resolved;
  }
}

/** A short description of a value's kind for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
