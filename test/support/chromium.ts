import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); playwright-core drives it and downloads no browser of its own. */
const CHROMIUM = '/usr/bin/chromium';

/** A headless Chromium with a fresh profile that reaches for no network of its own (this machine has none). */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function startChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'bosun-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
