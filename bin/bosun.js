#!/usr/bin/env node
// bosun runs its compiled modules: dist/ in the package; in a clone (its sources beside
// this file), a build of those sources cached by their content (dev-engine.js).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22 and later keep the compiled code of the modules bosun loads between runs (Node 20 has no such cache).
module.enableCompileCache?.();

// Stack traces (and the file:line bosun reports for an error thrown in a role) name source files.
process.setSourceMapsEnabled(true);

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = existsSync(`${root}cli/main.ts`)
  ? await (await import('./dev-engine.js')).devEngine(root, 'cli/main.js')
  : new URL('../dist/cli/main.js', import.meta.url).href;
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
