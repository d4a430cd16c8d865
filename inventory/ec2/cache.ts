import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ec2Config } from './config.ts';
import type { InstanceData } from './fetch.ts';

interface CacheFile {
  readonly fetchedAt: number;
  readonly regions: Record<string, InstanceData[]>;
}

/**
 * The instances of one config, kept as JSON for `cache_ttl` seconds. The key
 * covers what changes the answer (regions, include and exclude filters, endpoint, profile, access key), not
 * grouping or naming, which are recomputed from cached instances every time.
 */
export function cachePath(config: Ec2Config): string {
  const key = JSON.stringify([
    config.regions.map((r) => r.name),
    config.includeFilters,
    config.excludeFilters,
    config.endpoint ?? null,
    config.profile ?? null,
    config.credentials?.accessKeyId ?? null,
  ]);
  return join(config.cacheDir, `aws_ec2-${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);
}

/** Cached instances by region, or undefined when missing, unreadable or older than the TTL. */
export async function readCache(config: Ec2Config, now = Date.now()): Promise<Record<string, InstanceData[]> | undefined> {
  try {
    const data = JSON.parse(await readFile(cachePath(config), 'utf8')) as CacheFile;
    if (typeof data.fetchedAt !== 'number' || now - data.fetchedAt >= config.cacheTtl * 1000) return undefined;
    return data.regions;
  } catch {
    // A missing or corrupt cache is only a miss: the source of truth is EC2.
    return undefined;
  }
}

export async function writeCache(config: Ec2Config, regions: Record<string, InstanceData[]>, now = Date.now()): Promise<void> {
  const path = cachePath(config);
  await mkdir(config.cacheDir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify({ fetchedAt: now, regions } satisfies CacheFile), { mode: 0o600 });
  await rename(temp, path);
}
