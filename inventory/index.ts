/**
 * bosun's inventory: where hosts, groups and variables come from (INI, YAML,
 * TypeScript, EC2), Ansible host patterns, and variable precedence.
 */
export type { Become, ChrootConnection, Connection, Host, LocalConnection, SshConnection } from '../compiler/host.ts';
export type { ConnectionVars, GroupDefinition, HostDefinition, InventoryDefinition, VarsDefinition } from './define.ts';
export type { Group } from './resolve.ts';
export type { LoadOptions } from './load.ts';
export { defineInventory } from './define.ts';
export { defaultInventory } from './default-inventory.ts';
export { Inventory } from './inventory.ts';
export { loadInventories } from './load.ts';
export { parseExtraVars } from './extra-vars.ts';
export { matchPattern, splitPattern } from './pattern.ts';
export { splitShellWords } from './shell-words.ts';
export { describeConnection, graphLines, graphTree, listOutput, sortedJson } from './output.ts';
export type { GraphNode, ListOutput } from './output.ts';
