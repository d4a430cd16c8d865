import type { InventoryGraph } from '../graph.ts';
import { inOrder } from '../in-order.ts';
import type { Origin } from '../origin.ts';
import type { YamlFile } from '../yaml-file.ts';
import { readCache, writeCache } from './cache.ts';
import { readEc2Config, type Ec2Config } from './config.ts';
import { evaluate } from './expression.ts';
import { describeInstances, type InstanceData } from './fetch.ts';
import { assignNames } from './hostnames.ts';
import { keyedGroupNames, safeGroupName } from './keyed-groups.ts';

/** The tag that carries an instance's EBS snapshot schedule. */
export const SNAPSHOT_SCHEDULE_TAG = 'scheduler:ebs-snapshot';

/**
 * Adds the EC2 instances an aws_ec2 config finds to `graph`: every host in
 * group `aws_ec2` and in its keyed groups, with the instance's attributes as
 * variables (snake_case, as Ansible's plugin), plus:
 * - `tags`: a mapping of tag key to value;
 * - `volume_ids`: the ids of attached EBS volumes;
 * - `ebs_snapshot_schedule`: the `scheduler:ebs-snapshot` tag, when present;
 * - `ansible_host`: the private IP (else the public IP) unless compose sets it.
 */
export async function readEc2Inventory(yaml: YamlFile, graph: InventoryGraph): Promise<void> {
  const config = readEc2Config(yaml);
  const byRegion = await instancesOf(config);
  const instances = config.regions.flatMap((r) => byRegion[r.name] ?? []);
  const names = assignNames(instances, config.hostnames);
  const at: Origin = { file: config.file };
  graph.addGroup('aws_ec2', at);
  instances.forEach((instance, i) => {
    const name = names[i]!;
    const vars = hostVars(instance, config);
    graph.addHost(name, 'aws_ec2', at);
    for (const [k, v] of Object.entries(vars)) graph.setHostVar(name, k, v, at);
    for (const entry of config.keyedGroups) {
      for (const group of keyedGroupNames(entry, vars, config.leadingSeparator)) {
        graph.addHost(name, group, entry.at);
        if (entry.parentGroup !== undefined) graph.addChild(safeGroupName(entry.parentGroup), group, entry.at);
      }
    }
  });
}

async function instancesOf(config: Ec2Config): Promise<Record<string, InstanceData[]>> {
  if (config.cache) {
    const cached = await readCache(config);
    if (cached !== undefined) return cached;
  }
  const lists = await inOrder(config.regions.map((region) => describeInstances(config, region)));
  const byRegion = Object.fromEntries(config.regions.map((r, i) => [r.name, lists[i]!]));
  if (config.cache) await writeCache(config, byRegion);
  return byRegion;
}

function hostVars(instance: InstanceData, config: Ec2Config): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...instance };
  const mappings = (instance.block_device_mappings ?? []) as { ebs?: { volume_id?: string } }[];
  vars.volume_ids = mappings.map((m) => m.ebs?.volume_id).filter((id): id is string => typeof id === 'string');
  const tags = (instance.tags ?? {}) as Record<string, string>;
  if (Object.hasOwn(tags, SNAPSHOT_SCHEDULE_TAG)) vars.ebs_snapshot_schedule = tags[SNAPSHOT_SCHEDULE_TAG];
  const address = instance.private_ip_address ?? instance.public_ip_address;
  if (typeof address === 'string') vars.ansible_host = address;
  // compose sees the instance's variables and earlier compose results, as Ansible's.
  for (const { name, expression } of config.compose) {
    const value = evaluate(expression, vars);
    if (value !== undefined) vars[name] = value;
  }
  return vars;
}
