import { expect } from 'chai';
import { renderJinja } from '../../compiler/jinja.ts';

describe('jinja runtime', () => {
  it('is set up once, even when another copy of bosun loads it again (a playbook bundle does)', async () => {
    const copy = (await import(`../../compiler/jinja-runtime.ts?copy=${Date.now()}`)) as { installAnsibleRuntime(): void };
    copy.installAnsibleRuntime();
    expect(renderJinja('{% raw %}\nx{% endraw %}\n|', {}, { field: 'template.src' })).to.equal('\nx|');
  });
});
