import type { Instance } from '@aws-sdk/client-ec2';
import { unreadable, type Origin } from '../origin.ts';
import type { Ec2Config } from './config.ts';
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

/**
 * Every instance of one region matching the config's filters, following
 * NextToken pages to the end. The SDK client does the signing and its
 * standard retries (throttling, 5xx); failures become LoadErrors naming the
 * config file, the region and what to do.
 */
export async function describeInstances(config: Ec2Config, region: { name: string; at: Origin }): Promise<InstanceData[]> {
  // The SDK takes most of a second to load: only runs that read EC2 pay for it.
  const { EC2Client, paginateDescribeInstances } = await import('@aws-sdk/client-ec2');
  const client = new EC2Client({
    region: region.name,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.profile === undefined ? {} : { profile: config.profile }),
    ...(config.maxAttempts === undefined ? {} : { maxAttempts: config.maxAttempts }),
  });
  const instances: InstanceData[] = [];
  try {
    const pages = paginateDescribeInstances(
      { client, pageSize: 1000 },
      { Filters: config.filters.map((f) => ({ Name: f.name, Values: f.values })) },
    );
    for await (const page of pages) {
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) instances.push(toData(instance, region.name, reservation.OwnerId));
      }
    }
  } catch (error) {
    throw explain(error, config, region);
  } finally {
    client.destroy();
  }
  return instances;
}

function toData(instance: Instance, region: string, ownerId: string | undefined): InstanceData {
  const { Tags, ...rest } = instance;
  const data = snakeCase(rest) as InstanceData;
  // Tags become a mapping, as Ansible's boto3_tag_list_to_ansible_dict.
  data.tags = Object.fromEntries((Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const placement = (data.placement ?? {}) as Record<string, unknown>;
  data.placement = { ...placement, region };
  if (ownerId !== undefined) data.owner_id = ownerId;
  return data;
}

function explain(error: unknown, config: Ec2Config, region: { name: string; at: Origin }): Error {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const where = { file: config.file, ...(region.at.line === undefined ? {} : { line: region.at.line, column: region.at.column }) };
  const name = e.name ?? '';
  if (name === 'CredentialsProviderError' || /credential/i.test(name) || /Could not load credentials/i.test(e.message ?? '')) {
    return unreadable(
      `no AWS credentials for EC2 in ${region.name}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or 'profile' in this file (${e.message})`,
      where,
      error,
    );
  }
  if (DENIED.has(name)) {
    return unreadable(
      `AWS denied ec2:DescribeInstances in ${region.name}: ${name}: ${e.message} (check the credentials' IAM policy)`,
      where,
      error,
    );
  }
  if (name === 'InvalidParameterValue' || name === 'InvalidFilter' || name === 'InvalidParameterCombination') {
    return unreadable(`EC2 refused the filters: ${name}: ${e.message}`, { ...config.filtersAt }, error);
  }
  if (e.code === 'ENOTFOUND' || /getaddrinfo ENOTFOUND/.test(e.message ?? '')) {
    return unreadable(
      `cannot resolve the EC2 endpoint for region ${region.name} (${e.message}): is the region enabled and the network up?`,
      where,
      error,
    );
  }
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(e.message ?? '')) {
    return unreadable(`cannot connect to the EC2 endpoint ${config.endpoint ?? ''} for ${region.name}: ${e.message}`, where, error);
  }
  const status = e.$metadata?.httpStatusCode;
  return unreadable(
    `EC2 DescribeInstances failed in ${region.name}: ${name || 'error'}${status ? ` (HTTP ${status})` : ''}: ${e.message}`,
    where,
    error,
  );
}
