import { expect } from 'chai';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { planKey } from '../../cli/plan-key.ts';
import { tempDir } from '../support/plan-harness.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { rejection } from '../support/thrown.ts';

describe('cli/plan-key (the key of a saved plan’s digests)', () => {
  let config: string;
  let dispose: () => Promise<void>;
  beforeEach(async () => ({ dir: config, dispose } = await tempDir()));
  afterEach(() => dispose());

  describe('given as BOSUN_PLAN_KEY', () => {
    it('digests with that key: the same key gives the same digests, another key others', async () => {
      const key = await planKey({ BOSUN_PLAN_KEY: 'ci-secret-0123456789abcdef' });
      const again = await planKey({ BOSUN_PLAN_KEY: 'ci-secret-0123456789abcdef' });
      const other = await planKey({ BOSUN_PLAN_KEY: 'ci-secret-0123456789abcdeX' });
      expect(key.source).to.equal('BOSUN_PLAN_KEY');
      expect(key.digest('script')).to.match(/^[0-9a-f]{64}$/);
      expect([again.digest('script'), again.id]).to.deep.equal([key.digest('script'), key.id]);
      expect(other.digest('script')).not.to.equal(key.digest('script'));
      expect(other.id).not.to.equal(key.id);
      expect(key.digest('script')).not.to.equal(key.digest('script '));
    });

    it('is refused when shorter than 16 characters, and the message names the variable', async () => {
      const error = await rejection(() => planKey({ BOSUN_PLAN_KEY: 'short' }));
      expect(error.message).to.equal('BOSUN_PLAN_KEY must be at least 16 characters (a random value, kept as a secret)');
    });
  });

  describe('kept in $XDG_CONFIG_HOME/bosun/plan-key', () => {
    it('is made on first use: 32 random bytes in hex, the file 0600 in a 0700 directory; later runs read it back', async () => {
      const first = await planKey({ XDG_CONFIG_HOME: config });
      const file = `${config}/bosun/plan-key`;
      expect(first.source).to.equal(file);
      expect(await readFile(file, 'utf8')).to.match(/^[0-9a-f]{64}\n$/);
      expect((await stat(file)).mode & 0o777).to.equal(0o600);
      expect((await stat(`${config}/bosun`)).mode & 0o777).to.equal(0o700);
      const later = await planKey({ XDG_CONFIG_HOME: config });
      expect([later.id, later.digest('script')]).to.deep.equal([first.id, first.digest('script')]);
    });

    it('two machines’ worth of keys differ: each config directory makes its own', async () => {
      const { dir: elsewhere, dispose: disposeElsewhere } = await tempDir();
      try {
        const here = await planKey({ XDG_CONFIG_HOME: config });
        const there = await planKey({ XDG_CONFIG_HOME: elsewhere });
        expect(there.id).not.to.equal(here.id);
      } finally {
        await disposeElsewhere();
      }
    });

    it('runs that make it at the same time all end with the one key the file holds', async () => {
      // A race, so tried many times over (a bounded count, scaled as property runs are): the key
      // used to be written after its file was made, and a run that came between read an empty
      // key (about 1 round in 300).
      const { numRuns: rounds } = propertyRuns(300);
      for (let round = 0; round < rounds; round += 1) {
        const { dir, dispose: disposeRound } = await tempDir();
        try {
          const keys = await Promise.all(Array.from({ length: 8 }, () => planKey({ XDG_CONFIG_HOME: dir })));
          const kept = await planKey({ XDG_CONFIG_HOME: dir });
          expect(new Set(keys.map((key) => key.id)), `round ${round}`).to.deep.equal(new Set([kept.id]));
        } finally {
          await disposeRound();
        }
      }
    });

    it('a key file too short to be a key is refused, naming the file, and left as it is', async () => {
      await mkdir(`${config}/bosun`);
      await writeFile(`${config}/bosun/plan-key`, '\n');
      const error = await rejection(() => planKey({ XDG_CONFIG_HOME: config }));
      expect(error.message).to.equal('the plan key has 0 characters, under 16 (remove the file to make a new key)');
      expect(error.file).to.equal(`${config}/bosun/plan-key`);
      expect(await readFile(`${config}/bosun/plan-key`, 'utf8')).to.equal('\n');
    });

    it('a key file that cannot be read is an error naming the file, not a new key', async () => {
      await mkdir(`${config}/bosun/plan-key`, { recursive: true });
      const error = await rejection(() => planKey({ XDG_CONFIG_HOME: config }));
      expect(error.message).to.match(/^cannot read the plan key: /);
      expect(error.file).to.equal(`${config}/bosun/plan-key`);
    });
  });
});
