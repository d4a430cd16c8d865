import { expect } from 'chai';
import { parseExtraVars } from '../../inventory/extra-vars.ts';
import { rejection } from '../support/thrown.ts';
import { removeTrees, writeTree } from './temp-tree.ts';

describe('inventory/extra-vars', () => {
  afterEach(removeTrees);

  it('reads key=value words as strings, with shell quoting', async () => {
    expect(await parseExtraVars(['port=22 name="a b"', 'empty='])).to.deep.equal({ port: '22', name: 'a b', empty: '' });
  });

  it('reads inline JSON/YAML and @files, later values winning', async () => {
    const dir = writeTree({ 'vars.yml': 'port: 2222\nlist: [1, 2]\n' });
    expect(await parseExtraVars(['{"port": 22, "debug": true}', '@vars.yml'], dir)).to.deep.equal({
      port: 2222,
      debug: true,
      list: [1, 2],
    });
  });

  it('refuses words without =, and files that are missing or not mappings', async () => {
    expect((await rejection(() => parseExtraVars(['justaword']))).message).to.equal("-e: expected key=value, got 'justaword'");
    expect((await rejection(() => parseExtraVars(['@/nonexistent/vars.yml']))).message).to.match(/cannot read/);
    const dir = writeTree({ 'list.yml': '- 1\n' });
    expect((await rejection(() => parseExtraVars(['@list.yml'], dir))).message).to.match(/must be a mapping/);
  });
});
