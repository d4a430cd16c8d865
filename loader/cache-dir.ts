import { homedir } from 'node:os';
import { join } from 'node:path';

/** bosun's folder `name` in the user's cache (`$XDG_CACHE_HOME/bosun/NAME`, else `~/.cache/bosun/NAME`). */
export function cacheDir(name: string): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bosun', name);
}
