#!/usr/bin/env node
// bosun's own TypeScript runs as one bundled module, built once and cached (see bundle.js).
import { bundledModule } from './bundle.js';

// Stack traces (and the file:line bosun reports for an error thrown in a role) name source files, not bundles.
process.setSourceMapsEnabled(true);

const { main } = await import(await bundledModule(new URL('../cli/main.ts', import.meta.url).pathname));
process.exitCode = await main(process.argv.slice(2));
