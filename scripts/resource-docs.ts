import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type FunctionDeclaration, Node, Project, type Symbol as MorphSymbol, type Type } from 'ts-morph';
import { blockDoc, cellType, oneLineDoc } from './jsdoc.ts';

/** A resource's builder, as found in compiler/resources/. */
interface Builder {
  readonly name: string;
  readonly file: string;
  readonly declaration: FunctionDeclaration;
}

/** One documented parameter. */
interface Parameter {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly doc: string;
  readonly defaultValue: string;
  /** Declared outside the resource's own file (CommonProps, AttributeProps): listed after its own. */
  readonly shared: boolean;
}

/**
 * Resource docs (docs/resources/NAME.md and an index), generated from the JSDoc of the
 * resources' builders and their `Props` types: the comments are the single source, and
 * test/scripts/resource-docs.test.ts fails when a doc is stale or missing. A builder is any
 * function exported by a file of compiler/resources/ that returns a resource (an object whose
 * `type` is a string literal), so a resource added there is documented without a list to edit.
 */
export function resourceDocs(root: string): ResourceDocs {
  const project = new Project({ tsConfigFilePath: join(root, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const dir = join(root, 'compiler', 'resources');
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .sort())
    project.addSourceFileAtPath(join(dir, file));
  const union = project
    .addSourceFileAtPath(join(root, 'compiler', 'resource.ts'))
    .getTypeAliasOrThrow('Resource')
    .getType();
  project.resolveSourceFileDependencies();
  const builders = findBuilders(project, dir);
  const files = new Map<string, string>();
  for (const builder of builders) files.set(`${builder.name}.md`, resourceDoc(builder));
  files.set('README.md', index(builders));
  const kinds = (type: Type) =>
    (type.isUnion() ? type.getUnionTypes() : [type]).map((member) => typeLiteral(member)).filter((k) => k !== undefined);
  return {
    files,
    resourceTypes: [...new Set(kinds(union))].sort(),
    documentedTypes: [...new Set(builders.flatMap((builder) => kinds(builder.declaration.getReturnType())))].sort(),
  };
}

/** The generated files, and what they cover. */
export interface ResourceDocs {
  /** docs/resources/NAME.md (one per builder) and README.md (the index). */
  readonly files: ReadonlyMap<string, string>;
  /** The `type` of every member of `Resource` (compiler/resource.ts): what the compiler compiles. */
  readonly resourceTypes: readonly string[];
  /** The `type` of the resources the documented builders return. */
  readonly documentedTypes: readonly string[];
}

/** The string literal of a resource type's `type` property. */
function typeLiteral(type: Type): string | undefined {
  const kind = type.getProperty('type');
  const declaration = kind?.getDeclarations()[0];
  const literal = declaration === undefined ? undefined : kind!.getTypeAtLocation(declaration);
  return literal?.isStringLiteral() ? String(literal.getLiteralValue()) : undefined;
}

/** The builders of compiler/resources/, by name. */
export function findBuilders(project: Project, dir: string): Builder[] {
  const builders: Builder[] = [];
  for (const source of project.getSourceFiles().filter((file) => file.getDirectoryPath() === dir)) {
    for (const declaration of source.getFunctions()) {
      const name = declaration.getName();
      if (name === undefined || !declaration.isExported() || !returnsResource(declaration.getReturnType())) continue;
      builders.push({ name, file: `compiler/resources/${source.getBaseName()}`, declaration });
    }
  }
  return builders.sort((a, b) => a.name.localeCompare(b.name));
}

/** A resource is an object whose `type` is a string literal (each member's, for a union). */
function returnsResource(type: Type): boolean {
  const members = type.isUnion() ? type.getUnionTypes() : [type];
  return members.every((member) => typeLiteral(member) !== undefined);
}

function resourceDoc(builder: Builder): string {
  const { declaration, name } = builder;
  const parameter = declaration.getParameters()[0];
  const propsNode = parameter?.getTypeNode();
  const sections: string[] = [];
  const types = new Map<string, string>();
  if (parameter !== undefined && propsNode !== undefined) {
    const props = typeDeclaration(propsNode);
    const variants = props === undefined ? [] : unionMembers(props);
    if (props !== undefined && Node.isJSDocable(props) && blockDoc(props) !== '') sections.push(blockDoc(props));
    if (variants.length > 1) {
      for (const variant of variants) {
        const heading = variant.getKindName() === 'TypeReference' ? variant.getText() : 'variant';
        const declared = typeDeclaration(variant);
        const doc = declared !== undefined && Node.isJSDocable(declared) ? blockDoc(declared) : '';
        sections.push(
          `## \`${heading}\`\n\n${doc === '' ? '' : `${doc}\n\n`}${parameterTable(variant.getType(), variant, types, builder.file)}`,
        );
      }
    } else {
      sections.push(
        `## Parameters${propsNode.getKindName() === 'TypeReference' ? ` (\`${propsNode.getText()}\`)` : ''}\n\n${parameterTable(parameter.getType(), propsNode, types, builder.file)}`,
      );
    }
  } else {
    sections.push('## Parameters\n\nNone.');
  }
  if (types.size > 0) {
    sections.push(`## Types\n\n${[...types.values()].join('\n\n')}`);
  }
  const call = parameter === undefined ? `${name}()` : `${name}({ … })`;
  return [
    `# Resource \`${name}\``,
    `<!-- Generated by scripts/resource-docs.ts from the JSDoc of ${builder.file}: edit the comments, not this file. -->`,
    blockDoc(declaration),
    `\`\`\`ts\nimport { ${name} } from 'bosun';\n\n${call}\n\`\`\``,
    ...sections,
  ]
    .filter((part) => part !== '')
    .join('\n\n')
    .concat('\n');
}

/** The table of a parameters type, and the note on options that exclude each other. */
function parameterTable(type: Type, at: Node, types: Map<string, string>, ownFile: string): string {
  const members = type.isUnion() && !type.isBoolean() ? type.getUnionTypes() : [type];
  const parameters = new Map<string, Parameter>();
  const present = members.map((member) => {
    const names = new Set<string>();
    for (const property of member.getProperties()) {
      const parameter = describeParameter(property, at, types, ownFile);
      if (parameter === undefined) continue;
      names.add(parameter.name);
      const known = parameters.get(parameter.name);
      // Required only when every member that has it requires it.
      parameters.set(parameter.name, known === undefined ? parameter : { ...known, required: known.required && parameter.required });
    }
    return names;
  });
  // The resource's own parameters first, then those every resource shares (declared elsewhere).
  const rows = [...parameters.values()]
    .sort((a, b) => Number(a.shared) - Number(b.shared))
    .map((p) => `| \`${p.name}\` | \`${p.type}\` | ${p.required ? 'yes' : 'no'} | ${p.defaultValue} | ${p.doc} |`);
  const table = `| parameter | type | required | default | meaning |\n|---|---|---|---|---|\n${rows.join('\n')}`;
  const exclusive = exclusiveGroups(present);
  return exclusive.length === 0
    ? table
    : `${table}\n\n${exclusive.map((group) => `Not together: ${group.map((n) => `\`${n}\``).join(', ')}.`).join('\n')}`;
}

function describeParameter(property: MorphSymbol, at: Node, types: Map<string, string>, ownFile: string): Parameter | undefined {
  const declaration = property.getDeclarations().find((d) => Node.isPropertySignature(d));
  if (declaration === undefined || !Node.isPropertySignature(declaration)) return undefined;
  const typeNode = declaration.getTypeNode();
  // `insertBefore?: never` says an option is absent from this member: not a parameter of it.
  if (typeNode?.getText() === 'never') return undefined;
  if (typeNode !== undefined) collectTypes(typeNode, types);
  const doc = oneLineDoc(declaration);
  return {
    name: property.getName(),
    type: cellType(typeNode) || property.getTypeAtLocation(at).getText(at),
    required: !declaration.hasQuestionToken(),
    doc,
    defaultValue: defaultOf(declaration, doc),
    shared: !declaration.getSourceFile().getFilePath().endsWith(`/${ownFile}`),
  };
}

/** The default a parameter's JSDoc states: an `@default` tag, or its "Default …" / "(default …)" phrase. */
function defaultOf(declaration: Node, doc: string): string {
  if (Node.isJSDocable(declaration)) {
    for (const jsdoc of declaration.getJsDocs()) {
      const tag = jsdoc.getTags().find((t) => t.getTagName() === 'default');
      if (tag !== undefined) return (tag.getCommentText() ?? '').trim();
    }
  }
  // "(default)" on a literal type: that literal; "(default false: …)", "(defaults to …)"; "Default 7." / "Default: …".
  if (/\(default\)/.test(doc) && Node.isPropertySignature(declaration)) return cellType(declaration.getTypeNode());
  const aside = /\(defaults?(?: to)?:?\s+([^):]+)[):]/.exec(doc);
  const sentence = /(?:^|[.;]\s+)[Dd]efaults?:?\s+(.+?)(?:\.(?:\s|$)|$)/.exec(doc);
  const phrase = aside?.[1] ?? sentence?.[1];
  return phrase === undefined ? '' : phrase.trim().replace(/\|/g, '\\|');
}

/** Pairs of parameters that no member of a union has together. */
function exclusiveGroups(present: readonly Set<string>[]): string[][] {
  if (present.length < 2) return [];
  const names = [...new Set(present.flatMap((set) => [...set]))];
  const groups: string[][] = [];
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) {
      const somewhere = (name: string) => present.some((set) => set.has(name));
      if (somewhere(a) && somewhere(b) && !present.some((set) => set.has(a) && set.has(b))) groups.push([a, b]);
    }
  }
  return groups;
}

/** The named types a parameter's type refers to that bosun declares, with their doc and declaration. */
function collectTypes(node: Node, types: Map<string, string>): void {
  const references = [node, ...node.getDescendants()].filter((n) => Node.isTypeReference(n));
  for (const reference of references) {
    const name = reference.getTypeName().getText();
    if (types.has(name)) continue;
    const declaration =
      reference.getTypeName().getSymbol()?.getAliasedSymbol()?.getDeclarations()[0] ??
      reference.getTypeName().getSymbol()?.getDeclarations()[0];
    if (declaration === undefined || !declaration.getSourceFile().getFilePath().includes('/compiler/')) continue;
    const doc = Node.isJSDocable(declaration) ? blockDoc(declaration) : '';
    const shape = Node.isTypeAliasDeclaration(declaration)
      ? `\n\n\`\`\`ts\ntype ${name} = ${(declaration.getTypeNode()?.getText() ?? '').replace(/^\|\s*/, '')};\n\`\`\``
      : '';
    types.set(name, `### \`${name}\`\n\n${doc}${shape}`.trimEnd());
    if (Node.isTypeAliasDeclaration(declaration)) {
      const aliased = declaration.getTypeNode();
      if (aliased !== undefined) collectTypes(aliased, types);
    }
  }
}

/** The declaration a type reference names (an interface or a type alias), followed through imports. */
function typeDeclaration(node: Node): Node | undefined {
  if (!Node.isTypeReference(node)) return undefined;
  const symbol = node.getTypeName().getSymbol();
  const target = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
  return target?.getDeclarations()[0];
}

/** The members of a union type alias, as written (`A | B` gives A and B); else none. */
function unionMembers(declaration: Node): Node[] {
  if (!Node.isTypeAliasDeclaration(declaration)) return [];
  const aliased = declaration.getTypeNode();
  return aliased !== undefined && Node.isUnionTypeNode(aliased) ? aliased.getTypeNodes() : [];
}

function index(builders: readonly Builder[]): string {
  const rows = builders.map((builder) => {
    const props = builder.declaration.getParameters()[0]?.getTypeNode();
    const declared = props === undefined ? undefined : typeDeclaration(props);
    const doc = oneLineDoc(builder.declaration) || (declared !== undefined && Node.isJSDocable(declared) ? oneLineDoc(declared) : '');
    const summary = /^(.+?\.)(\s|$)/.exec(doc)?.[1] ?? doc;
    return `| [\`${builder.name}\`](${builder.name}.md) | ${summary} |`;
  });
  return `# Resources\n\n<!-- Generated by scripts/resource-docs.ts: edit the JSDoc in compiler/resources/, not this file. -->\n\nWhat a role can declare. Each is imported from \`bosun\`, takes one object of parameters, and compiles to a step with a read-only check, an apply and a verify.\n\n| resource | what it declares |\n|---|---|\n${rows.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(import.meta.dirname, '..');
  const out = join(root, 'docs', 'resources');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [name, text] of resourceDocs(root).files) writeFileSync(join(out, name), text);
}
