import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { htmlReport } from '../../runner/report-html.ts';
import { type Browser, startChromium } from '../support/chromium.ts';
import { sampleReport } from '../support/sample-report.ts';
import { patience } from '../support/patience.ts';

/** Kept for people (and CI artifacts): the page and its screenshot. */
const OUTPUT = resolve('test-output');

/** The HTML report in a real headless Chromium: it renders, filters, opens diffs, loads nothing, logs no error. */
describe('runner/report-html (in Chromium) @integration', function () {
  this.timeout(patience(120_000));
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];
  let url: string;

  before(async () => {
    await mkdir(OUTPUT, { recursive: true });
    const file = resolve(OUTPUT, 'report.html');
    await writeFile(file, htmlReport(sampleReport()));
    url = pathToFileURL(file).href;
    browser = await startChromium();
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url);
  });
  after(async () => {
    await browser?.close();
  });

  const visibleRows = (): Promise<(string | null)[]> =>
    page.locator('#grid tr.row:visible').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-host')));

  it('renders the hosts × steps grid, coloured by status, with the durations', async () => {
    expect(await page.title()).to.equal('bosun check: playbooks/baseline.ts');
    expect(await visibleRows()).to.deep.equal(['web1', 'web<2>&"x"', 'db1', 'db2']);
    expect(await page.locator('#shown').textContent()).to.equal('4 of 4 hosts');
    const web1 = await page.$$eval('#grid tr.row:first-child td.cell', (cells) => cells.map((cell) => cell.getAttribute('data-status')));
    expect(web1).to.deep.equal(['ok', 'would-change', 'unknown', 'failed', 'skipped']);
    // The page's own computed style (an expression run in the page: this file is not compiled with the DOM's types).
    const colours = (await page.evaluate(
      "[...document.querySelectorAll('#grid tr.row:first-child td.cell')].map((cell) => getComputedStyle(cell).backgroundColor)",
    )) as string[];
    expect(new Set(colours).size, 'one colour per status').to.equal(5);
    expect(await page.locator('#grid tr.row:first-child td.time').textContent()).to.equal('1.50 s');
    expect(await page.locator('#grid tr.row:nth-child(3) td.outcome').textContent()).to.equal('✗ unreachable');
  });

  it('filters by status and by host name', async () => {
    await page.click('#problems');
    expect(await visibleRows()).to.deep.equal(['web1', 'db1', 'db2']);
    expect(await page.locator('#shown').textContent()).to.equal('3 of 4 hosts');
    expect(await page.locator('#step-0-0').isHidden(), 'an ok step of web1 is filtered out').to.equal(true);
    expect(await page.locator('#step-0-1').isVisible()).to.equal(true);
    await page.uncheck('input[value=unreachable]');
    await page.uncheck('input[value=not-run]');
    expect(await visibleRows()).to.deep.equal(['web1']);
    await page.click('#everything');
    await page.fill('#host-filter', 'DB');
    expect(await visibleRows()).to.deep.equal(['db1', 'db2']);
    expect(await page.locator('#host-2').isVisible()).to.equal(true);
    expect(await page.locator('#host-0').isHidden()).to.equal(true);
    await page.fill('#host-filter', '');
    expect(await visibleRows()).to.have.length(4);
  });

  it("opens a step's diff from its grid cell, and from its own summary", async () => {
    expect(await page.locator('#step-0-1').getAttribute('open')).to.equal(null);
    await page.click('#grid tr.row:first-child td.cell[data-status=would-change] a');
    // A locator wait, not a string predicate: polling one runs it through eval, which the page's CSP refuses.
    await page.locator('#step-0-1[open]').waitFor();
    expect(await page.locator('#step-0-1 pre.diff .add').textContent()).to.equal('+welcome to bosun');
    expect(await page.locator('#step-0-1 pre.diff .del').textContent()).to.equal('-edited by hand');
    expect(await page.locator('#step-0-1 pre.diff').isVisible()).to.equal(true);
    await page.click('#step-0-3 > summary');
    expect(await page.locator('#step-0-3 pre.output').textContent()).to.include('<script>alert(1)</script> ]]>');
    expect(await page.locator('#step-0-3 pre.output').textContent(), 'control characters shown as escapes').to.include(
      '"quotes"\\x01 bell\\x0d\n',
    );
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: resolve(OUTPUT, 'report-html.png'), fullPage: true });
  });

  it('loads nothing but itself, logs no error, and runs nothing it shows', () => {
    expect(problems).to.deep.equal([]);
    expect(requests).to.deep.equal([url]);
  });
});
