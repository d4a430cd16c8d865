import { STEP_STATUSES } from '../compiler/protocol.ts';
import { printable } from './printable.ts';
import type { StepResult } from './results.ts';
import { type HostRow, isProblem, type RunReport, type ReportView, reportView, seconds, stepLabel, worstStatus } from './report-model.ts';

/**
 * The HTML report (`--html FILE`): one self-contained page, its style and script inline
 * and a Content-Security-Policy that lets it load nothing, so it opens from a CI artifact
 * or a mail attachment with no network. A hosts × steps grid coloured by status, filters by
 * status and host name, each host's steps below with their diff or output folded, and the
 * durations bosun measured. The page is complete without its script; the script only filters
 * and opens the step a grid cell points to.
 */
export function htmlReport(report: RunReport): string {
  const view = reportView(report);
  const title = `bosun ${report.mode}: ${report.playbook}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>bosun ${h(report.mode)} <code>${h(report.playbook)}</code></h1>
<p class="meta">started ${h(report.startedAt)} · ${h(seconds(report.durationMs))} · exit code ${report.exitCode} · ${view.rows.length} host(s), ${view.columns.length} step(s)</p>
<p class="totals">${totals(view)}</p>
</header>
${filters(view)}
<main>
<section>
<h2>Hosts × steps</h2>
${grid(view)}
</section>
<section id="hosts">
<h2>Steps by host</h2>
${view.rows.map((row, r) => hostSection(row, r, view)).join('\n')}
</section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** A status as a cell shows it besides its colour, for those who cannot tell the colours apart. */
const SYMBOL: Record<string, string> = {
  ok: '✓',
  changed: '●',
  'would-change': '△',
  unknown: '?',
  failed: '✗',
  skipped: '–',
  unreachable: '✗',
  'not-run': '–',
};

function totals(view: ReportView): string {
  const hosts = Object.entries(view.hosts)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `<span class="badge s-${outcome}">${n} ${h(outcome)}</span>`);
  return `hosts: ${hosts.join(' ')}`;
}

function filters(view: ReportView): string {
  const boxes = [...STEP_STATUSES, 'unreachable', 'not-run'].map((status) => {
    const n = status in view.steps ? view.steps[status as keyof typeof view.steps] : view.hosts[status as 'unreachable' | 'not-run'];
    return `<label class="badge s-${status}"><input type="checkbox" name="status" value="${status}" checked> ${h(status)} (${n})</label>`;
  });
  return `<nav id="filters" aria-label="filters">
<fieldset><legend>Status</legend>${boxes.join('\n')}
<button type="button" id="problems">drift and failures only</button> <button type="button" id="everything">all</button></fieldset>
<label>Host <input id="host-filter" type="search" placeholder="name contains…" autocomplete="off"></label>
<span id="shown" aria-live="polite">${view.rows.length} of ${view.rows.length} hosts</span>
</nav>`;
}

function grid(view: ReportView): string {
  const head = view.columns
    .map((column, c) => `<th class="col" scope="col" title="${h(column.label)}"><a href="#col-${c}">${c + 1}</a></th>`)
    .join('');
  const rows = view.rows.map((row, r) => {
    const cells = row.cells.map((results, c) => {
      const status = worstStatus(results);
      if (status === undefined) return '<td class="cell none"></td>';
      const tip = `${row.host} · ${view.columns[c]!.label}: ${status} (${seconds(results.reduce((sum, each) => sum + each.durationMs, 0))})`;
      return `<td class="cell s-${status}" data-status="${status}" title="${h(tip)}"><a href="#${stepId(r, row.steps.indexOf(results.find((each) => each.status === status)!))}">${SYMBOL[status]}</a></td>`;
    });
    return `<tr class="row" data-host="${h(row.host)}" data-outcome="${row.outcome}" data-statuses="${statusesOf(row)}"><th scope="row"><a href="#host-${r}">${h(row.host)}</a></th><td class="outcome s-${row.outcome}">${SYMBOL[row.outcome]} ${h(row.outcome)}</td><td class="time">${h(seconds(row.durationMs))}</td>${cells.join('')}</tr>`;
  });
  const legend = view.columns.map(
    (column, c) => `<li id="col-${c}">${h(column.role === undefined ? '' : `${column.role} : `)}${h(column.label)}</li>`,
  );
  return `<div class="grid-wrap"><table id="grid">
<thead><tr><th scope="col">host</th><th scope="col">result</th><th scope="col">time</th>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
<details id="legend"><summary>Steps (${view.columns.length})</summary><ol>${legend.join('')}</ol></details>`;
}

/** The statuses a host has, for the filter: its steps', and its own when it failed as a whole. */
function statusesOf(row: HostRow): string {
  const own = row.outcome === 'unreachable' || row.outcome === 'not-run' || row.reason !== undefined ? [row.outcome] : [];
  return [...new Set([...row.steps.map((step) => step.status), ...own])].join(' ');
}

function hostSection(row: HostRow, r: number, view: ReportView): string {
  const reason = row.reason === undefined ? '' : `<p class="reason s-${row.outcome}" data-status="${row.outcome}">${h(row.reason)}</p>`;
  const steps = row.steps.map((step, s) => stepDetails(step, r, s, view.report.mode === 'check'));
  return `<div class="host" id="host-${r}" data-host="${h(row.host)}" data-statuses="${statusesOf(row)}">
<h3>${h(row.host)} <span class="badge s-${row.outcome}">${h(row.outcome)}</span> <span class="time">${h(seconds(row.durationMs))}</span></h3>
${reason}${steps.join('\n')}
</div>`;
}

function stepDetails(step: StepResult, r: number, s: number, checking: boolean): string {
  const body = [
    step.rc === undefined ? '' : `<p>exit code ${step.rc}</p>`,
    step.diff === undefined ? '' : `<pre class="diff">${diffLines(step.diff)}</pre>`,
    step.output === undefined || step.output === '' ? '' : `<pre class="output">${h(step.output)}</pre>`,
  ].join('');
  const empty =
    body === '' ? `<p class="quiet">${checking && isProblem(step.status) ? 'no diff for this step' : 'nothing more to show'}</p>` : '';
  const where = step.role === undefined ? '' : `<span class="role">${h(step.role)} :</span> `;
  return `<details class="step" id="${stepId(r, s)}" data-status="${step.status}"><summary><span class="badge s-${step.status}">${h(step.status)}</span> ${where}${h(stepLabel(step))} <span class="time">${h(seconds(step.durationMs))}</span></summary>${body}${empty}</details>`;
}

function stepId(r: number, s: number): string {
  return `step-${r}-${s}`;
}

/** A unified diff, its lines marked as added, removed or hunk headers. */
function diffLines(diff: string): string {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const kind = lineKind(line);
      return kind === undefined ? `${h(line)}\n` : `<span class="${kind}">${h(line)}</span>\n`;
    })
    .join('');
}

/** What a line of a unified diff is, first match wins. */
const LINE_KINDS: readonly [RegExp, string][] = [
  [/^(\+\+\+|---) /, 'file'],
  [/^@@/, 'hunk'],
  [/^\+/, 'add'],
  [/^-/, 'del'],
];

function lineKind(line: string): string | undefined {
  return LINE_KINDS.find(([pattern]) => pattern.test(line))?.[1];
}

/** Text as HTML: escaped, and control and bidi characters written as escapes (runner/printable.ts), as on a terminal. */
function h(value: string): string {
  return printable(value, { lines: true })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
:root { --ok: #2e7d32; --changed: #1565c0; --would-change: #b7791f; --unknown: #7b1fa2; --failed: #c62828; --skipped: #607d8b;
  --unreachable: #c62828; --not-run: #90a4ae; font-family: system-ui, sans-serif; color: #1a1a1a; background: #fafafa; }
body { margin: 0 1.5rem 2rem; }
h1 { font-size: 1.4rem; margin: 1rem 0 .3rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; } h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.meta, .time, .quiet { color: #555; font-size: .9em; }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: .6rem; color: #fff; font-size: .85em; margin: .1rem; }
label.badge { cursor: pointer; }
${['ok', 'changed', 'would-change', 'unknown', 'failed', 'skipped', 'unreachable', 'not-run'].map((s) => `.s-${s} { background: var(--${s}); color: #fff; }`).join('\n')}
#filters { position: sticky; top: 0; background: #fafafa; padding: .5rem 0; border-bottom: 1px solid #ddd; z-index: 1; }
fieldset { display: inline; border: 0; padding: 0; margin: 0 1rem 0 0; } legend { float: left; margin-right: .5rem; font-weight: 600; }
.grid-wrap { overflow: auto; max-height: 70vh; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: .9em; }
th, td { border: 1px solid #e0e0e0; padding: .15rem .4rem; text-align: left; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #eee; }
tbody th { position: sticky; left: 0; background: #fff; }
td.cell { text-align: center; min-width: 1.4rem; } td.cell a { color: #fff; text-decoration: none; display: block; }
td.cell.off { opacity: .15; } td.none { background: #f5f5f5; }
.host { border-top: 1px solid #ddd; }
details.step { margin: .2rem 0 .2rem 1rem; } details.step > summary { cursor: pointer; }
pre { background: #fff; border: 1px solid #ddd; padding: .5rem; overflow: auto; max-height: 30rem; margin: .3rem 0 .3rem 1rem; }
.diff .add { color: #1b5e20; background: #e8f5e9; } .diff .del { color: #b71c1c; background: #ffebee; }
.diff .hunk { color: #6a1b9a; } .diff .file { font-weight: 600; }
.reason { color: #fff; padding: .3rem .5rem; border-radius: .3rem; display: inline-block; }
.role { color: #555; }
[hidden] { display: none !important; }
`;

/** Filters by status and host name; a grid cell's link opens the step it points to. No network, no dependency. */
const SCRIPT = `
'use strict';
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=status]'));
  var hostFilter = document.getElementById('host-filter');
  var shown = document.getElementById('shown');
  var PROBLEMS = ['failed', 'would-change', 'unknown', 'unreachable', 'not-run'];
  function selected() {
    var on = {};
    boxes.forEach(function (box) { if (box.checked) on[box.value] = true; });
    return on;
  }
  function any(statuses, on) {
    return statuses.split(' ').some(function (s) { return on[s]; });
  }
  function apply() {
    var on = selected();
    var needle = hostFilter.value.trim().toLowerCase();
    var visible = 0, rows = document.querySelectorAll('#grid tr.row');
    Array.prototype.forEach.call(rows, function (row) {
      var show = row.getAttribute('data-host').toLowerCase().indexOf(needle) >= 0 && any(row.getAttribute('data-statuses'), on);
      row.hidden = !show;
      if (show) visible++;
      Array.prototype.forEach.call(row.querySelectorAll('td.cell[data-status]'), function (cell) {
        cell.classList.toggle('off', !on[cell.getAttribute('data-status')]);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('#hosts .host'), function (host) {
      host.hidden = !(host.getAttribute('data-host').toLowerCase().indexOf(needle) >= 0 && any(host.getAttribute('data-statuses'), on));
      Array.prototype.forEach.call(host.querySelectorAll('[data-status]'), function (item) {
        item.hidden = !on[item.getAttribute('data-status')];
      });
    });
    shown.textContent = visible + ' of ' + rows.length + ' hosts';
  }
  function only(statuses) {
    boxes.forEach(function (box) { box.checked = statuses === null || statuses.indexOf(box.value) >= 0; });
    apply();
  }
  boxes.forEach(function (box) { box.addEventListener('change', apply); });
  hostFilter.addEventListener('input', apply);
  document.getElementById('problems').addEventListener('click', function () { only(PROBLEMS); });
  document.getElementById('everything').addEventListener('click', function () { only(null); });
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === 'DETAILS') {
      target.hidden = false;
      target.parentElement.hidden = false;
      target.open = true;
      target.scrollIntoView({ block: 'center' });
    }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
  apply();
})();
`;
