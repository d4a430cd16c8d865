import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { BosunError } from '../../compiler/errors.ts';
import { renderPlan } from '../../compiler/render.ts';
import { MASK, maskSecrets, Secret, secret, secretText } from '../../compiler/secret.ts';
import { file } from '../../index.ts';
import { explain, local, planOf, runPlan, statuses, tempDir } from '../support/plan-harness.ts';
import { thrown } from '../support/thrown.ts';

describe('compiler/secret', () => {
  it('is not text: a template string, a concatenation or String() throws, naming secretText', () => {
    const pw = secret('hunter2');
    // biome-ignore lint/style/useTemplate: the concatenation is what is tested.
    for (const use of [() => `password=${pw}`, () => 'password=' + (pw as unknown as string), () => String(pw), () => pw.toString()]) {
      const error = thrown(use);
      expect(error).to.be.instanceOf(BosunError);
      expect(error.message).to.contain('secretText');
      expect(error.message).not.to.contain('hunter2');
    }
    expect(JSON.stringify({ pw })).to.equal(`{"pw":"${MASK}"}`);
    expect(inspect({ pw })).to.equal(`{ pw: Secret(${MASK}) }`);
  });

  it('secretText composes text around secrets into a secret, whose parts are masked on their own too', async () => {
    const pw = secret("hunt'er2");
    const composed = secretText`user=app\npassword=${pw}\nport=${5432}\n`;
    expect(composed).to.be.instanceOf(Secret);
    expect(composed.reveal()).to.equal("user=app\npassword=hunt'er2\nport=5432\n");
    expect(maskSecrets("log: hunt'er2", composed.maskedForms())).to.equal(`log: ${MASK}`);

    const { dir, dispose } = await tempDir();
    try {
      const plan = planOf([file({ path: `${dir}/db.conf`, content: composed, mode: '0600' })]);
      const rendered = renderPlan(plan);
      // Every form the script carries the secret in is masked: no piece of it survives in what bosun prints.
      const printed = maskSecrets(rendered.script, rendered.secrets);
      expect(printed).not.to.contain('hunt');
      expect(printed).not.to.contain('er2');
      const apply = await runPlan(plan, local, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
      expect(await readFile(`${dir}/db.conf`, 'utf8')).to.equal("user=app\npassword=hunt'er2\nport=5432\n");
    } finally {
      await dispose();
    }
  });
});
