import { joined } from '../byte-pieces.ts';
import { ValidationError } from '../errors.ts';
import { renderJinja } from '../jinja.ts';
import { type LocalFiles, type LocalPath, localFile, localPath } from '../local-files.ts';
import { payload } from '../payload.ts';
import { Secret } from '../secret.ts';
import type { Step } from '../step.ts';
import { type AbsolutePath, absolutePath, bool, keysOf, knownKeys } from '../validate.ts';
import { type AttributeProps, wantedAttributes } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { contentStep, validateCommand } from './file.ts';

/** A value a template can use: text, a number, a boolean, null, a secret, or lists and records of them. */
export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | Secret
  | readonly TemplateValue[]
  | { readonly [key: string]: TemplateValue };

/** `T` where every value is a template value (an interface type is accepted too, unlike an index signature). */
export type TemplateData<T> = T extends string | number | boolean | null | Secret
  ? T
  : T extends readonly (infer U)[]
    ? readonly TemplateData<U>[]
    : T extends (...args: never[]) => unknown
      ? never
      : T extends object
        ? { readonly [K in keyof T]: TemplateData<T[K]> }
        : never;

/**
 * A file rendered from a Jinja2 template of the role (an Ansible `templates/*.j2` works as it is:
 * Ansible's filters, `trim_blocks`, trailing newlines kept) at compile time, then written like
 * `file`: atomically, validated, with a diff in check mode. The template sees `vars` and nothing
 * else; a variable it uses without a guard (`is defined`, `default`) that `vars` lacks is an
 * error naming it, the template file and the line, before anything runs.
 */
export interface TemplateProps<V = Readonly<Record<string, TemplateValue>>> extends CommonProps, AttributeProps {
  /** The template file: `new URL('./templates/nginx.conf.j2', import.meta.url)` or an absolute path. */
  readonly src: LocalPath;
  /** The file on the host. */
  readonly path: AbsolutePath;
  /**
   * The variables the template sees, typed by the role (`template<NginxVars>({ … })`). A value
   * that is a `Secret` is rendered as its value, and then the whole file is a secret: never
   * printed, never diffed. An `undefined` value is as if the key were absent.
   */
  readonly vars?: V;
  /**
   * A command that must accept the rendered file before it replaces the old one, as words;
   * `%s` stands for the temporary file: `['nginx', '-t', '-c', '%s']`.
   */
  readonly validate?: readonly string[];
  /** Never send the current content back nor show a diff of it. Implied when a variable is a `Secret`. */
  readonly sensitive?: boolean;
}

export type TemplateResource = TemplateProps & { readonly type: 'template' };

/** Declares a file rendered from a Jinja2 template with typed variables. */
export function template<V extends { readonly [K in keyof V]: TemplateData<V[K]> }>(props: TemplateProps<V>): TemplateResource {
  return { type: 'template', ...(props as TemplateProps) };
}

const KEYS = keysOf<TemplateResource>({
  type: true,
  src: true,
  path: true,
  vars: true,
  mode: true,
  owner: true,
  group: true,
  validate: true,
  sensitive: true,
  ...COMMON_KEYS,
});

export function compileTemplate(resource: TemplateResource, files: LocalFiles): Step {
  knownKeys(resource, KEYS, 'template');
  const path = absolutePath(resource.path, 'template.path');
  const where = `template(${path})`;
  const common = commonFields(resource, where);
  const wanted = wantedAttributes(resource, where);
  const validate = resource.validate === undefined ? undefined : validateCommand(resource.validate, `${where}.validate`);
  const secrets: string[] = [];
  const vars = resource.vars === undefined ? {} : revealed(resource.vars, `${where}.vars`, secrets);
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
    throw new ValidationError(`${where}.vars`, 'must be a record of variables');
  }
  const src = localPath(resource.src, `${where}.src`);
  const source = utf8(joined(localFile(files, src, `${where}.src`).chunks()), src, `${where}.src`);
  const rendered = renderJinja(source, vars as Record<string, unknown>, { file: src, field: `${where}.src` });
  const secret = secrets.length > 0;
  return contentStep({
    resource: 'template',
    path,
    data: payload(secret ? new Secret(rendered, secrets) : rendered),
    sensitive: secret || (resource.sensitive !== undefined && bool(resource.sensitive, `${where}.sensitive`)),
    wanted,
    newMode: '644',
    ...(validate !== undefined && { validate }),
    common,
  });
}

/**
 * The variables as plain data for the engine, each checked (the field names where a bad one
 * is: `vars.servers[2].port`), secrets revealed and collected so the output can be masked.
 */
function revealed(value: unknown, field: string, secrets: string[]): unknown {
  if (value instanceof Secret) {
    secrets.push(...value.values());
    return value.reveal();
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(field, `must be a finite number, got ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => revealed(item, `${field}[${index}]`, secrets));
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    return Object.fromEntries(entries.map(([key, item]) => [key, revealed(item, `${field}.${key}`, secrets)]));
  }
  throw new ValidationError(
    field,
    `must be text, a number, a boolean, null, a secret, or a list or record of them, got ${value === undefined ? 'undefined' : typeof value}`,
  );
}

/** A template's text: it must be UTF-8 (Jinja2 reads templates as text). */
function utf8(bytes: Uint8Array, file: string, field: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ValidationError(field, `${file} is not UTF-8 text`, { file });
  }
}
