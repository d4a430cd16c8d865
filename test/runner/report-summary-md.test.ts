import { expect } from 'chai';
import MarkdownIt from 'markdown-it';
import { summaryMarkdown } from '../../runner/report-summary-md.ts';
import type { RunReport } from '../../runner/report-model.ts';
import { MOTD_DIFF, sampleReport } from '../support/sample-report.ts';

/** GitHub-flavoured Markdown as a renderer reads it: tables, and the raw HTML of <details>. */
const md = new MarkdownIt({ html: true });

/** The table's rows, each a list of its cells' text as the renderer parsed them. */
function tableRows(markdown: string): string[][] {
  const rows: string[][] = [];
  for (const token of md.parse(markdown, {})) {
    if (token.type === 'tr_open') rows.push([]);
    if (token.type === 'inline' && rows.length > 0 && token.level > 0) rows.at(-1)!.push(token.content);
  }
  return rows;
}

describe('runner/report-summary-md', () => {
  it('heads with what happened, then one table row per host, hosts in trouble first', () => {
    const text = summaryMarkdown(sampleReport());
    expect(text.split('\n')[0]).to.equal('## bosun check: drift on 1 of 4 host(s), 1 failed, 1 unreachable, 1 not run');
    const rows = tableRows(text);
    expect(rows[0]).to.deep.equal(['host', 'result', 'ok', 'would change', 'unknown', 'failed', 'skipped', 'time']);
    expect(rows.slice(1).map((row) => row.slice(0, 2))).to.deep.equal([
      ['web1', '🔴 failed'],
      ['db1', '🔴 unreachable'],
      ['db2', '⚪ not-run'],
      ['web&lt;2&gt;&amp;&quot;x&quot;'.replace(/&quot;/g, '"'), '🟢 ok'],
    ]);
    expect(rows[1]!.slice(2)).to.deep.equal(['1', '1', '1', '1', '1', '1.50 s']);
  });

  it('folds each drifted or failed step with its diff in a fenced block, escaping what could be markup', () => {
    const text = summaryMarkdown(sampleReport());
    const html = md.render(text);
    expect(html).to.include('<summary>🟡 would-change · web1: file /etc/motd</summary>');
    expect(html).to.include(`<pre><code class="language-diff">${md.utils.escapeHtml(MOTD_DIFF)}</code></pre>`);
    expect(html).to.include('<summary>🔴 unreachable · db1: unreachable</summary>');
    // The failed step's output holds <script>: inside a fence it is text, never markup.
    expect(html).not.to.include('<script>');
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    // A host name with markup is text in the table.
    expect(html).to.include('<td>web&lt;2&gt;&amp;&quot;x&quot;</td>');
  });

  it('a fence is longer than any backtick run in the body', () => {
    const report = sampleReport();
    const withTicks: RunReport = {
      ...report,
      hosts: [{ ...report.hosts[0]!, steps: [{ ...report.hosts[0]!.steps[1]!, diff: '+```\n+inside\n' }] }],
    };
    const html = md.render(summaryMarkdown(withTicks));
    expect(html).to.include(`<code class="language-diff">+\`\`\`\n+inside\n</code>`);
  });

  it('stays under its cap, and says how much it left out', () => {
    const report = sampleReport();
    const many: RunReport = {
      ...report,
      notRun: [],
      hosts: Array.from({ length: 400 }, (_, n) => ({
        ...report.hosts[0]!,
        host: `web${n}`,
        steps: [{ ...report.hosts[0]!.steps[1]!, diff: `${'+x\n'.repeat(100)}` }],
      })),
    };
    const text = summaryMarkdown(many);
    expect(text.length).to.be.below(60_000);
    expect(text).to.match(/_\d+ more step\(s\) left out to stay under 60000 characters/);
    expect(tableRows(text).length).to.equal(401);
    const tiny = summaryMarkdown(many, 5_000);
    expect(tiny.length).to.be.below(5_000);
    expect(tiny).to.match(/_\d+ more host\(s\) left out to stay under 5000 characters/);
  });
});
