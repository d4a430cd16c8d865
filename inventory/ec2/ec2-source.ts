import type { InventoryGraph } from '../graph.ts';
import type { Origin } from '../origin.ts';
import type { YamlFile } from '../yaml-file.ts';
import { readCache, writeCache } from './cache.ts';
import { readEc2Config, type Ec2Config } from './config.ts';
import { applyConstructed } from './constructed.ts';
import { fetchInstances, type InstanceData } from './fetch.ts';
import { ANSIBLE_HOSTNAMES, assignNames, BOSUN_HOSTNAMES } from './hostnames.ts';
import { contribSafeGroupName, safeGroupName } from './safe-name.ts';

/** The tag that carries an instance's EBS snapshot schedule. */
export const SNAPSHOT_SCHEDULE_TAG = 'scheduler:ebs-snapshot';

/**
 * Adds the EC2 instances an aws_ec2 config finds to `graph`, as Ansible's
 * amazon.aws.aws_ec2 plugin does: hosts in instance-id order, each in group `aws_ec2`,
 * with the instance's attributes as variables (snake_case, `tags` as a mapping, the
 * reservation's `owner_id`, `requester_id`, `reservation_id`), then compose, groups and
 * keyed_groups. bosun adds `volume_ids` (attached EBS volumes) and `ebs_snapshot_schedule`
 * (the `scheduler:ebs-snapshot` tag, when set); with `bosun_defaults: true`, also
 * `ansible_host` (private IP, else public) unless compose sets it.
 */
export async function readEc2Inventory(yaml: YamlFile, graph: InventoryGraph): Promise<void> {
  const config = readEc2Config(yaml);
  const byRegion = await instancesOf(config);
  const instances = Object.values(byRegion)
    .flat()
    .sort((a, b) => (String(a.instance_id) < String(b.instance_id) ? -1 : 1));
  const sanitize = config.contribSanitization ? contribSafeGroupName : safeGroupName;
  const defaults = config.bosunDefaults ? BOSUN_HOSTNAMES : ANSIBLE_HOSTNAMES;
  const rules = config.hostnames.length > 0 ? config.hostnames : defaults;
  const names = assignNames(instances, rules, sanitize);
  const at: Origin = { file: config.file };
  graph.addGroup('aws_ec2', at);
  instances.forEach((instance, i) => {
    const name = names[i] ?? (config.bosunDefaults ? String(instance.instance_id) : undefined);
    // As Ansible: an instance no hostnames rule names is not in the inventory.
    if (name === undefined) return;
    const vars = hostVars(instance, config);
    graph.addHost(name, 'aws_ec2', at);
    for (const [k, v] of Object.entries(vars)) graph.setHostVar(name, k, v, at);
    if (config.bosunDefaults) {
      const address = instance.private_ip_address ?? instance.public_ip_address;
      if (typeof address === 'string') graph.setHostVar(name, 'ansible_host', address, at);
    }
    applyConstructed(graph, name, vars, config, sanitize);
  });
}

async function instancesOf(config: Ec2Config): Promise<Record<string, InstanceData[]>> {
  if (config.cache) {
    const cached = await readCache(config);
    if (cached !== undefined) return cached;
  }
  const byRegion = await fetchInstances(config);
  if (config.cache) await writeCache(config, byRegion);
  return byRegion;
}

/** The instance's variables as the plugin's prepare_host_vars makes them, with bosun's two additions. */
function hostVars(instance: InstanceData, config: Ec2Config): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...instance };
  const mappings = (instance.block_device_mappings ?? []) as { ebs?: { volume_id?: string } }[];
  vars.volume_ids = mappings.map((m) => m.ebs?.volume_id).filter((id): id is string => typeof id === 'string');
  const tags = (instance.tags ?? {}) as Record<string, string>;
  if (Object.hasOwn(tags, SNAPSHOT_SCHEDULE_TAG)) vars.ebs_snapshot_schedule = tags[SNAPSHOT_SCHEDULE_TAG];
  if (config.contribTagKeys) for (const [k, v] of Object.entries(tags)) vars[`ec2_tag_${k}`] = v;
  if (config.hostvarsPrefix === '' && config.hostvarsSuffix === '') return vars;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [`${config.hostvarsPrefix}${k}${config.hostvarsSuffix}`, v]));
}
