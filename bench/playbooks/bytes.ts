import { definePlaybook, directory, file, role } from '../../index.ts';

/** The one large file of the bytes scenario. */
export const BYTES_FILE = '/srv/bosun-bench/bytes/large.dat';

/** 1 KiB of text that varies within itself (no run of one byte), repeated to size. */
const BLOCK = Array.from(
  { length: 16 },
  (_, i) => `${String(i).padStart(2, '0')}:${'0123456789abcdef'.repeat(4).slice(i)}${'zyxwvutsrqponmlk'.slice(0, i)}`,
)
  .join('\n')
  .padEnd(1023, '.')
  .concat('\n');

/** One file of `bench_mb` MiB on every host, for the bytes scenario of `npm run bench`. */
export default definePlaybook({
  name: 'bench bytes',
  plays: [
    {
      name: 'bytes',
      hosts: 'all',
      roles: (host) => {
        const mib = Number(host.vars.bench_mb ?? 1);
        return [
          role({
            name: 'bytes',
            resources: [
              directory({ path: '/srv/bosun-bench/bytes', mode: '0755' }),
              file({ path: BYTES_FILE, content: BLOCK.repeat(mib * 1024), mode: '0644' }),
            ],
          }),
        ];
      },
    },
  ],
});
