import { createHmac, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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

/** A shorter key is a guess away: refused from the environment and from the key file alike. */
const MIN_KEY_LENGTH = 16;

export async function planKey(env: NodeJS.ProcessEnv = process.env): Promise<PlanKey> {
  const given = env.BOSUN_PLAN_KEY;
  if (given !== undefined) {
    if (given.length < MIN_KEY_LENGTH)
      throw new BosunError(`BOSUN_PLAN_KEY must be at least ${MIN_KEY_LENGTH} characters (a random value, kept as a secret)`);
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
  const kept = await readKey(file);
  if (kept !== undefined) return kept;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('hex');
  // Written whole under a name of its own, then linked into place: a run that finds the key
  // file finds all of it, and of two runs making it at once, one key is kept by both.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temp, `${key}\n`, { mode: 0o600, flag: 'wx' });
    await link(temp, file);
    return key;
  } catch (error) {
    const made = (error as NodeJS.ErrnoException).code === 'EEXIST' ? await readKey(file) : undefined;
    if (made !== undefined) return made;
    throw new BosunError(`cannot write the plan key: ${(error as Error).message}`, { file });
  } finally {
    await rm(temp, { force: true });
  }
}

/** The key the file holds, or undefined when there is no file. */
async function readKey(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BosunError(`cannot read the plan key: ${(error as Error).message}`, { file });
  }
  const key = text.trim();
  if (key.length < MIN_KEY_LENGTH)
    throw new BosunError(`the plan key has ${key.length} characters, under ${MIN_KEY_LENGTH} (remove the file to make a new key)`, {
      file,
    });
  return key;
}
