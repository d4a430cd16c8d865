import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { main } from '../../cli/main.ts';

const COMMANDS = ['compile', 'check', 'apply'] as const;
type CommandName = (typeof COMMANDS)[number];

/** The long flags `bosun COMMAND --help` lists (the help itself aside). */
async function helpFlags(command: CommandName): Promise<Set<string>> {
  let out = '';
  await main([command, '--help'], { stdout: (text) => (out += text), stderr: () => {}, isTTY: false });
  // Option lines only ("  -l, --limit <pattern>  …"), not flags named in descriptions.
  const options = [...out.matchAll(/^ {2}(?:-[A-Za-z], )?(--[a-z][a-z-]*)/gm)].map((match) => match[1] ?? '');
  return new Set(options.filter((flag) => flag !== '--help'));
}

/** What README's command section says each command takes: its "Flags of …" paragraphs. */
async function readmeFlags(): Promise<Map<CommandName, Set<string>>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## The command'), readme.indexOf('\n## ', readme.indexOf('## The command') + 1));
  const flags = new Map<CommandName, Set<string>>(COMMANDS.map((command) => [command, new Set()]));
  for (const paragraph of section.split(/\n\n/)) {
    for (const sentence of paragraph.replace(/\n/g, ' ').split(/(?<=\.) (?=(?:Flags )?[Oo]f )/)) {
      const head = /^(?:Flags )?[Oo]f ([a-z, ]+?)(?: only)?:/.exec(sentence);
      if (head === null) continue;
      const named = (head[1] ?? '').split(/,| and /).map((word) => word.trim()) as CommandName[];
      const body = sentence.replace(/\([^)]*\)/g, '');
      for (const [, flag = ''] of body.matchAll(/`(?:-[A-Za-z]\/)?(--[a-z][a-z-]*)[^`]*`/g))
        for (const command of named) flags.get(command)?.add(flag);
    }
  }
  return flags;
}

describe("cli: README's flags are the commands' own", () => {
  it('every flag README lists for compile, check and apply exists on that command, and each command has no other', async () => {
    const documented = await readmeFlags();
    for (const command of COMMANDS) {
      const actual = [...(await helpFlags(command))].sort();
      expect([...(documented.get(command) ?? [])].sort(), `bosun ${command}`).to.deep.equal(actual);
    }
  });
});
