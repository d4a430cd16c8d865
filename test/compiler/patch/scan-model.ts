import type { PartText } from '../../../compiler/patch/host-scan.ts';
import type { PatchPart } from '../../../compiler/patch/parts.ts';

/** The parts a scan of a host of the patch fleet tests sent (apt 2.6, Debian 12), as text. */
export function demoParts(overrides: Partial<Record<PatchPart, string>> = {}): Map<PatchPart, PartText> {
  const texts: Partial<Record<PatchPart, string>> = {
    installed:
      'bash\t5.2.15-2+b2\tamd64\tii \nbosun-demo-a\t1.0\tall\tii \nbosun-demo-olddep\t1.0\tall\tii \nbosun-demo-sec\t1.0\tall\tii \nbosun-demo-kept\t1.0\tall\tii \n',
    auto: 'bosun-demo-olddep\nbosun-demo-sec\n',
    'upgrade-sim': `Calculating upgrade...
The following packages have been kept back:
  bosun-demo-kept
Inst bosun-demo-a [1.0] (1.1 bosun-test:12/bookworm [all])
Inst bosun-demo-sec [1.0] (1.1 bosun-test-Security:12/bookworm-security [all])
`,
    'dist-upgrade-sim': `Inst bosun-demo-a [1.0] (1.1 bosun-test:12/bookworm [all])
Inst bosun-demo-newdep (1.0 bosun-test:12/bookworm [all])
Inst bosun-demo-kept [1.0] (2.0 bosun-test:12/bookworm [all])
Inst bosun-demo-sec [1.0] (1.1 bosun-test-Security:12/bookworm-security [all])
`,
    'autoremove-sim': '0 upgraded, 0 newly installed, 0 to remove and 3 not upgraded.\n',
    reboot: 'no\n',
    kernel: '6.1.0-18-amd64\n',
    'boot-id': '3f1c2f4e-0000-4000-8000-000000000001\n',
    ...overrides,
  };
  return new Map(Object.entries(texts).map(([part, text]) => [part as PatchPart, { rc: 0, text: text ?? '' }]));
}
