import type { EC2Client, Filter, Instance, Reservation } from '@aws-sdk/client-ec2';
import { inOrder } from '../in-order.ts';
import { unreadable, type Origin } from '../origin.ts';
import { endpointOf, MalformedAnswer, watchAnswers } from './answer.ts';
import type { Ec2Config, Ec2Filter } from './config.ts';
import { snakeCase } from './snake-case.ts';

/** An instance as plain JSON with Ansible's snake_case names (what the cache stores). */
export type InstanceData = Record<string, unknown>;

// Error codes that mean "these credentials may not do this", as EC2 spells them.
const DENIED = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'OptInRequired',
]);

type Region = { readonly name: string; readonly at: Origin };

/**
 * The instances a config selects, by region, as the plugin's `_query`: every instance an
 * exclude filter matches is left out; the include filters (`filters` first) are asked in
 * turn and an instance is taken once. No regions in the config: every region
 * DescribeRegions lists.
 */
export async function fetchInstances(config: Ec2Config): Promise<Record<string, InstanceData[]>> {
  const regions = config.regions.length > 0 ? config.regions : await allRegions(config);
  const lists = await inOrder(regions.map((region) => regionInstances(config, region)));
  return Object.fromEntries(regions.map((r, i) => [r.name, lists[i]!]));
}

async function regionInstances(config: Ec2Config, region: Region): Promise<InstanceData[]> {
  const client = await ec2Client(config, region.name);
  try {
    const ignore = new Set<string>();
    for (const filters of config.excludeFilters) {
      for (const i of await describe(client, config, region, filters)) ignore.add(String(i.instance_id));
    }
    const found: InstanceData[] = [];
    for (const filters of config.includeFilters) {
      for (const i of await describe(client, config, region, filters)) {
        const id = String(i.instance_id);
        if (ignore.has(id)) continue;
        ignore.add(id);
        found.push(i);
      }
    }
    return found;
  } finally {
    client.destroy();
  }
}

/**
 * One DescribeInstances query, following NextToken pages to the end. Failures become
 * LoadErrors naming the config file, the region, the endpoint and what to do.
 */
async function describe(client: EC2Client, config: Ec2Config, region: Region, filters: readonly Ec2Filter[]): Promise<InstanceData[]> {
  const { paginateDescribeInstances } = await import('@aws-sdk/client-ec2');
  const instances: InstanceData[] = [];
  try {
    const pages = paginateDescribeInstances(
      { client, pageSize: 1000 },
      { Filters: filters.map((f): Filter => ({ Name: f.name, Values: [...f.values] })) },
    );
    for await (const page of pages) {
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) instances.push(toData(instance, reservation, region.name));
      }
    }
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    // strict_permissions: false, as Ansible: a 403 leaves this region out instead of failing.
    if (status === 403 && !config.strictPermissions) return [];
    throw explain(error, config, region, client);
  }
  return instances;
}

async function allRegions(config: Ec2Config): Promise<Region[]> {
  const { DescribeRegionsCommand } = await import('@aws-sdk/client-ec2');
  const client = await ec2Client(config, 'us-east-1');
  const at = config.regionsAt;
  try {
    const answer = await client.send(new DescribeRegionsCommand({}));
    return (answer.Regions ?? [])
      .flatMap((r) => (r.RegionName === undefined ? [] : [{ name: r.RegionName, at }]))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (error) {
    throw explain(error, config, { name: 'us-east-1', at }, client, 'DescribeRegions (no regions in the config)');
  } finally {
    client.destroy();
  }
}

async function ec2Client(config: Ec2Config, region: string): Promise<EC2Client> {
  // The SDK's notice about future Node.js versions is for bosun's maintainers, not its users' terminals.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The SDK takes most of a second to load: only runs that read EC2 pay for it.
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  const client = new EC2Client({
    region,
    maxAttempts: config.maxAttempts,
    requestHandler: {
      connectionTimeout: config.connectTimeout * 1000,
      socketTimeout: config.readTimeout * 1000,
      requestTimeout: config.readTimeout * 1000,
      throwOnRequestTimeout: true,
    },
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.profile === undefined ? {} : { profile: config.profile }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
  });
  watchAnswers(client, config.readTimeout * 1000);
  return client;
}

function toData(instance: Instance, reservation: Reservation, region: string): InstanceData {
  const { Tags, ...rest } = instance;
  // As the plugin: the reservation's owner, requester and id are the instance's too.
  const data = snakeCase({
    ...rest,
    OwnerId: reservation.OwnerId,
    RequesterId: reservation.RequesterId ?? '',
    ReservationId: reservation.ReservationId,
  }) as InstanceData;
  // Tags become a mapping, as Ansible's boto3_tag_list_to_ansible_dict.
  data.tags = Object.fromEntries((Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const placement = (data.placement ?? {}) as Record<string, unknown>;
  // The region asked (Ansible cuts the zone's last letter, which is wrong for Local Zones).
  data.placement = { ...placement, region };
  return data;
}

function explain(error: unknown, config: Ec2Config, region: Region, client: EC2Client, call = 'DescribeInstances'): Error {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const where = { file: config.file, ...(region.at.line === undefined ? {} : { line: region.at.line, column: region.at.column }) };
  const endpoint =
    endpointOf(error, client) ??
    config.endpoint ??
    process.env.AWS_ENDPOINT_URL_EC2 ??
    process.env.AWS_ENDPOINT_URL ??
    `https://ec2.${region.name}.amazonaws.com`;
  const name = e.name ?? '';
  if (error instanceof MalformedAnswer) return unreadable(`EC2 ${call} in ${region.name}: ${error.message}`, where, error);
  if (name === 'CredentialsProviderError' || /credential/i.test(name) || /Could not load credentials/i.test(e.message ?? '')) {
    return unreadable(
      `no AWS credentials for EC2 in ${region.name}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or 'aws_profile' in this file (${e.message})`,
      where,
      error,
    );
  }
  if (DENIED.has(name)) {
    return unreadable(
      `AWS denied ec2:${call} in ${region.name}: ${name}: ${e.message} (check the credentials' IAM policy, or set strict_permissions: false to skip the region)`,
      where,
      error,
    );
  }
  if (name === 'InvalidParameterValue' || name === 'InvalidFilter' || name === 'InvalidParameterCombination') {
    return unreadable(`EC2 refused the filters: ${name}: ${e.message}`, { ...config.filtersAt }, error);
  }
  if (e.code === 'ENOTFOUND' || /getaddrinfo ENOTFOUND/.test(e.message ?? '')) {
    return unreadable(
      `cannot resolve the EC2 endpoint ${endpoint} for region ${region.name} (${e.message}): is the region enabled and the network up?`,
      where,
      error,
    );
  }
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message ?? '')) {
    return unreadable(`cannot connect to the EC2 endpoint ${endpoint} for ${region.name}: ${e.message}`, where, error);
  }
  if (name === 'TimeoutError') {
    return unreadable(
      `the EC2 endpoint ${endpoint} did not answer ${call} in ${region.name} in time, ${config.maxAttempts} attempt(s) (connect_timeout ${config.connectTimeout} s, read_timeout ${config.readTimeout} s): ${e.message}`,
      where,
      error,
    );
  }
  const status = e.$metadata?.httpStatusCode;
  return unreadable(
    `EC2 ${call} failed in ${region.name} (${endpoint}): ${name || 'error'}${status ? ` (HTTP ${status})` : ''}: ${e.message}`,
    where,
    error,
  );
}
