#!/usr/bin/env node
// Playbooks, roles and inventories are TypeScript: tsx loads them (and bosun's own sources) on Node 20.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
