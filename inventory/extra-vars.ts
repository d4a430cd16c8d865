import { isMap } from 'yaml';
import { ValidationError } from '../compiler/errors.ts';
import { readArgumentFile } from './argument-file.ts';
import { splitShellWords } from './shell-words.ts';
import { YamlFile } from './yaml-file.ts';

/**
 * Reads `-e` values as Ansible does, later ones overriding earlier ones:
 * `key=value` words (values stay strings; shell quoting groups words),
 * inline YAML or JSON (`{"port": 22}`), or `@file.yml` (YAML/JSON file).
 */
export async function parseExtraVars(values: readonly string[], cwd: string = process.cwd()): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const raw of values) {
    const text = raw.trim();
    if (text.startsWith('@')) {
      const { file, text: content } = await readArgumentFile('-e', text.slice(1), cwd);
      for (const [k, v] of Object.entries(mapping(content, file))) set(k, v);
    } else if (text.startsWith('{')) {
      for (const [k, v] of Object.entries(mapping(text, '(-e)'))) set(k, v);
    } else {
      let words: string[];
      try {
        words = splitShellWords(text);
      } catch (error) {
        throw new ValidationError('-e', `cannot read '${raw}': ${(error as Error).message}`);
      }
      for (const word of words) {
        const eq = word.indexOf('=');
        if (eq <= 0) throw new ValidationError('-e', `expected key=value, got '${word}'`);
        set(word.slice(0, eq), word.slice(eq + 1));
      }
    }
  }
  return result;
}

function mapping(text: string, file: string): Record<string, unknown> {
  const yaml = new YamlFile(text, file);
  const root = yaml.root;
  if (yaml.isEmpty(root)) return {};
  if (!isMap(root)) throw new ValidationError('-e', 'extra vars must be a mapping of names to values', { file });
  return yaml.value(root) as Record<string, unknown>;
}
