import type { JSDocableNode, Node } from 'ts-morph';

/** The description of a node's JSDoc comments, each on one line (tables hold one line per row). */
export function oneLineDoc(node: JSDocableNode): string {
  return node
    .getJsDocs()
    .map((doc) =>
      doc
        .getDescription()
        .trim()
        .replace(/\s*\n\s*/g, ' '),
    )
    .join(' ');
}

/** The description of a node's JSDoc comments as written (paragraphs kept). */
export function blockDoc(node: JSDocableNode): string {
  return node
    .getJsDocs()
    .map((doc) => doc.getDescription().trim())
    .join('\n');
}

/** A type as source text for a markdown table cell: on one line, its bars escaped. */
export function cellType(node: Node | undefined): string {
  return (node?.getText() ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}
