import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BosunError } from '../compiler/errors.ts';

/**
 * The key that a saved plan's digests are made with. Keyed digests (HMAC-SHA256) pin a
 * host's whole script, secrets included, without making plan.json an offline oracle for
 * those secrets: without the key, a guess cannot be tested against the file.
 *
 * `BOSUN_PLAN_KEY` gives it (for a CI job whose check and apply run on different
 * machines: a CI secret); otherwise it is a random key kept in
 * `$XDG_CONFIG_HOME/bosun/plan-key` (mode 0600), made on first use.
 */
export interface PlanKey {
  /** HMAC-SHA256 of `data` with the key, hex. */
  digest(data: string): string;
  /** A fingerprint of the key (a digest of a fixed label): tells "another key" from "a changed plan". */
  readonly id: string;
  /** Where the key came from, for messages. */
  readonly source: string;
}

export async function planKey(env: NodeJS.ProcessEnv = process.env): Promise<PlanKey> {
  const given = env.BOSUN_PLAN_KEY;
  if (given !== undefined) {
    if (given.length < 16) throw new BosunError('BOSUN_PLAN_KEY must be at least 16 characters (a random value, kept as a secret)');
    return keyed(given, 'BOSUN_PLAN_KEY');
  }
  const file = join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'bosun', 'plan-key');
  return keyed(await readOrCreate(file), file);
}

function keyed(key: string, source: string): PlanKey {
  const digest = (data: string): string => createHmac('sha256', key).update(data).digest('hex');
  return { digest, id: digest('bosun plan key id').slice(0, 16), source };
}

async function readOrCreate(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new BosunError(`cannot read the plan key: ${(error as Error).message}`, { file });
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('hex');
  try {
    // 'wx': two runs making the key at once keep one of them, never a mix.
    const handle = await open(file, 'wx', 0o600);
    await handle.writeFile(`${key}\n`);
    await handle.close();
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw new BosunError(`cannot write the plan key: ${(error as Error).message}`, { file });
  }
}
