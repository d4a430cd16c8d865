import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { hostText } from '../../compiler/host-vars.ts';
import { testHost } from '../../testing/host.ts';

describe('hostText: a host variable as text', () => {
  const host = testHost({ vars: { dir: '/srv/app', port: 8080, list: ['a'], on: true, empty: '' } });

  it('gives a string as it is and a number as its digits (-e gives strings, YAML numbers)', () => {
    expect(hostText(host, 'dir')).to.equal('/srv/app');
    expect(hostText(host, 'port')).to.equal('8080');
    expect(hostText(host, 'empty')).to.equal('');
  });

  it('gives undefined for a variable the host does not have, so ?? gives a default', () => {
    expect(hostText(host, 'missing')).to.equal(undefined);
    expect(hostText(host, 'missing') ?? 'fallback').to.equal('fallback');
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => hostText(host, 'list')).to.throw(ValidationError, /^list: must be text, got \["a"\]$/);
    expect(() => hostText(host, 'on')).to.throw(ValidationError, /^on: must be text, got true$/);
  });
});
