import { ValidationError } from '../errors.ts';
import type { Host } from '../../compiler/host.ts';
import { hostWindows, type PatchWindow } from './window.ts';

/**
 * What the inventory says about patching one host (host or group variables):
 * - `patch_window`: a window or a list of them (compiler/patch/window.ts); none = any time;
 * - `patch_restart`: services to restart after patching, in order (`[redis, app, nginx]` or `"redis,app,nginx"`);
 * - `patch_health`: health checks that must pass afterwards: an `http://`/`https://` URL
 *   (fetched from the controller, 2xx/3xx) or a command run on the host (exit 0).
 */
export interface HostPatchConfig {
  readonly windows: readonly PatchWindow[];
  readonly restarts: readonly string[];
  readonly healthUrls: readonly string[];
  readonly healthCommands: readonly string[];
}

/** Command-line settings that win over the inventory's. */
export interface PatchConfigOverrides {
  readonly restarts?: readonly string[];
  readonly health?: readonly string[];
}

/** Reads a host's patch variables; errors name the host and the variable. */
export function hostPatchConfig(host: Host, overrides: PatchConfigOverrides = {}): HostPatchConfig {
  const field = (name: string): string => `host ${host.name}: ${name}`;
  const restarts = overrides.restarts ?? names(host.vars.patch_restart, field('patch_restart'));
  const health = overrides.health ?? names(host.vars.patch_health, field('patch_health'), false);
  return {
    windows: hostWindows(host.vars.patch_window, field('patch_window')),
    restarts,
    healthUrls: health.filter(isUrl),
    healthCommands: health.filter((check) => !isUrl(check)),
  };
}

function isUrl(check: string): boolean {
  return /^https?:\/\//.test(check);
}

/** A list of strings, or one string (split on commas when `split`). */
function names(value: unknown, field: string, split = true): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string')
    return split
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')) return value as string[];
  throw new ValidationError(field, `must be a list of names, got ${JSON.stringify(value)}`);
}
