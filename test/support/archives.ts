import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from './plan-harness.ts';

/** An archive's entries: a file's bytes (mode 0755 when the name is under `bin/`), or null for a directory. */
export type ArchiveEntries = Readonly<Record<string, string | Uint8Array | null>>;

/** An archive of `entries`, made by the tool that owns the format (tar with gzip or xz, zip). */
export async function makeArchive(format: 'tar.gz' | 'tar.xz' | 'zip', entries: ArchiveEntries): Promise<Buffer> {
  const { dir, dispose } = await tempDir();
  try {
    for (const [name, content] of Object.entries(entries)) {
      const path = join(dir, name);
      if (content === null) {
        await mkdir(path, { recursive: true });
        continue;
      }
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content, { mode: name.includes('bin/') ? 0o755 : 0o644 });
    }
    const names = Object.keys(entries);
    // Archives are bytes: execa would strip a last 0x0a byte as if it were a newline.
    const bytes = { encoding: 'buffer', stripFinalNewline: false } as const;
    const made =
      format === 'zip'
        ? await execa('zip', ['-q', '-r', '-', ...names], { cwd: dir, ...bytes })
        : // --no-unquote: GNU tar would read a backslash in a name as an escape.
          await execa('tar', [format === 'tar.gz' ? '-czf' : '-cJf', '-', '--no-unquote', '-C', dir, ...names], bytes);
    return Buffer.from(made.stdout);
  } finally {
    await dispose();
  }
}
