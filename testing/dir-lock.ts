import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A lock between processes made of a directory: `mkdir` is atomic, so exactly one
 * caller creates it. The owner's pid is kept inside, so a lock left by a process
 * that died (a test run killed mid-build) is taken over instead of waited on forever.
 */
export async function withDirLock<T>(lockDir: string, fn: () => Promise<T>, pollMs = 500): Promise<T> {
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await ownerIsDead(lockDir)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
  await writeFile(join(lockDir, 'pid'), String(process.pid));
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function ownerIsDead(lockDir: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await readFile(join(lockDir, 'pid'), 'utf8'));
  } catch {
    // The owner made the directory but has not written its pid yet: give it time,
    // unless the directory is old (its maker died between mkdir and writeFile).
    const made = await stat(lockDir).catch(() => undefined);
    return made !== undefined && Date.now() - made.mtimeMs > 30_000;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
