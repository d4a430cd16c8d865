import type { InventoryGraph } from './graph.ts';
import { expandHostPattern } from './host-range.ts';

/**
 * Ansible's host_list source: `-i 'web1,web2:2222,'` names hosts directly
 * (a trailing comma makes a single host a list). Hosts are ungrouped; a
 * `:port` suffix sets ansible_port; ranges expand as in files.
 */
export function readHostList(source: string, graph: InventoryGraph): void {
  const at = { file: `(host list '${source}')` };
  for (const entry of source.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const { names, port } = expandHostPattern(trimmed, at);
    for (const name of names) {
      graph.addHost(name, 'ungrouped', at);
      if (port !== undefined) graph.setHostVar(name, 'ansible_port', port, at);
    }
  }
}

/** Whether a source is a host list rather than a path: it has a comma and is not an existing file. */
export function looksLikeHostList(source: string): boolean {
  return source.includes(',');
}
