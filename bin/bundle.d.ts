/**
 * The URL of one ES module holding `entry` and every local file it imports, built
 * by esbuild and cached by the content of its inputs (see bundle.js).
 */
export function bundledModule(entry: string): Promise<string>;
