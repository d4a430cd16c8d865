/**
 * The URL of `module` in a build of bosun's sources under `root` (every library module
 * compiled by esbuild to one JavaScript module each), cached by their content (see dev-engine.js).
 */
export function devEngine(root: string, module: string): Promise<string>;
