import { expect } from 'chai';
import { madeKeys, needs, pathKey } from '../../compiler/made-paths.ts';

describe('compiler/made-paths', () => {
  it('a path is marked with every directory above it, but not the root', () => {
    expect(madeKeys(['/srv/app/conf'])).to.deep.equal([pathKey('/srv/app/conf'), pathKey('/srv/app'), pathKey('/srv')]);
  });

  it('repeated and trailing slashes name the same path', () => {
    expect(pathKey('/srv//app/')).to.equal(pathKey('/srv/app'));
    expect(madeKeys(['/srv//app/sub/'])).to.include(pathKey('/srv/app'));
  });

  it('each key once, however many paths share a directory', () => {
    const keys = madeKeys(['/srv/a/1', '/srv/a/2', '/srv/b']);
    expect(keys).to.have.length(new Set(keys).size);
    expect(keys).to.have.members(['/srv/a/1', '/srv/a/2', '/srv/a', '/srv', '/srv/b'].map(pathKey));
  });

  it('keys are hex words, so the shell can use them in a variable name', () => {
    for (const path of ['/', '/a b', "/it's", '/\n', '/ünï/cödé']) expect(pathKey(path)).to.match(/^[0-9a-f]{16}$/);
  });

  it('needs quotes the path and the reason and adds the path key', () => {
    expect(needs('dir', '/srv/my app', "it's missing").text).to.equal(
      `_bosun_needs dir '/srv/my app' 'it'\\''s missing' ${pathKey('/srv/my app')}`,
    );
  });
});
