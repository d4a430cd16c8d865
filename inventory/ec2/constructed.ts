import { BosunError, ValidationError } from '../../compiler/errors.ts';
import type { InventoryGraph } from '../graph.ts';
import { invalid, type Origin } from '../origin.ts';
import type { Ec2Config } from './config.ts';
import { KeyTypeError, keyedGroupNames } from './keyed-groups.ts';
import type { Sanitizer } from './safe-name.ts';
import { conditionHolds, templateText, templateValue } from './templar.ts';

/**
 * Ansible's constructed features for one host, in the plugin's order: `compose` (each
 * expression sees the instance's variables, not other compose results), then `groups`
 * conditionals and `keyed_groups` (which see the instance's variables, compose results,
 * `inventory_hostname` and `group_names`). Without `strict`, an entry whose expression
 * fails for this host (an undefined tag) is skipped for it; with `strict`, the load fails
 * naming the entry, the host and the line.
 */
export function applyConstructed(
  graph: InventoryGraph,
  host: string,
  instanceVars: Readonly<Record<string, unknown>>,
  config: Ec2Config,
  sanitize: Sanitizer,
): void {
  const attempt = <T>(field: string, at: Origin, run: () => T): T | undefined => {
    try {
      return run();
    } catch (error) {
      // A refusal bosun makes whatever `strict` says (a key that gives a number) is not skipped.
      if (!(error instanceof BosunError) || error instanceof KeyTypeError) throw error;
      if (!config.strict) return undefined;
      const own = error instanceof ValidationError ? `${error.field}: ` : '';
      const problem = own !== '' && error.message.startsWith(own) ? error.message.slice(own.length) : error.message;
      throw invalid(field, `host ${host}: ${problem}`, at, error);
    }
  };

  for (const { name, expression, at } of config.compose) {
    const field = `compose.${name}`;
    const value = attempt(field, at, () => ({ value: templateValue(expression, instanceVars, { field, at }) }));
    if (value !== undefined) graph.setHostVar(host, name, value.value, at);
  }

  const seen = (): Record<string, unknown> => {
    const node = graph.hosts.get(host)!;
    return {
      ...instanceVars,
      ...Object.fromEntries(node.vars),
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      group_names: node.groups.filter((g) => g !== 'all').sort(),
    };
  };

  for (const { name, expression, at } of config.groups) {
    const field = `groups.${name}`;
    if (attempt(field, at, () => conditionHolds(expression, seen(), { field, at })) === true) graph.addHost(host, sanitize(name), at);
  }

  for (const entry of config.keyedGroups) {
    const vars = seen();
    const result = attempt('keyed_groups.key', entry.keyAt, () => keyedGroupNames(entry, vars, config.leadingSeparator, sanitize));
    if (result === undefined) continue;
    if (result.groups.length === 0 && result.empty !== undefined && config.strict) {
      throw invalid('keyed_groups.key', `host ${host}: ${result.empty}`, entry.keyAt);
    }
    const parent =
      entry.parentGroup === undefined
        ? undefined
        : attempt('keyed_groups.parent_group', entry.at, () =>
            templateText(entry.parentGroup!, vars, { field: 'keyed_groups.parent_group', at: entry.at }),
          );
    for (const group of result.groups) {
      graph.addHost(host, group, entry.at);
      if (parent !== undefined && parent !== '') graph.addChild(sanitize(parent), group, entry.at);
    }
  }
}
