import { expect } from 'chai';
import { BosunError, LoadError, ValidationError } from '../../compiler/errors.ts';
import { Secret, secret } from '../../compiler/secret.ts';

// A query string makes Node load a second, separate copy of a module, as when a playbook
// brings its own copy of bosun: secrets and errors must still be recognised.
describe('compiler: secrets and errors from another loaded copy of bosun', () => {
  it('instanceof recognises them by brand, and still tells the kinds apart', async () => {
    const errors = (await import(`../../compiler/errors.ts?copy=${Date.now()}`)) as typeof import('../../compiler/errors.ts');
    const secrets = (await import(`../../compiler/secret.ts?copy=${Date.now()}`)) as typeof import('../../compiler/secret.ts');
    expect(errors.LoadError).not.to.equal(LoadError);
    const foreign = new errors.LoadError('elsewhere');
    expect(foreign).to.be.instanceOf(LoadError);
    expect(foreign).to.be.instanceOf(BosunError);
    expect(foreign).not.to.be.instanceOf(ValidationError);
    expect(new errors.ValidationError('f', 'bad')).to.be.instanceOf(ValidationError);
    expect(new Error('plain')).not.to.be.instanceOf(BosunError);
    expect(secrets.secret('s3')).to.be.instanceOf(Secret);
    expect(secret('s3')).to.be.instanceOf(secrets.Secret);
    expect({ reveal: () => 'x' }).not.to.be.instanceOf(Secret);
  });
});
