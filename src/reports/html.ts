// One self-contained HTML page: inline SVG figures, tables and text; no scripts and no external resources.
import { RenderedFigure } from './figure';
import { Table } from './table';

export type Block =
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'figure'; figure: RenderedFigure }
  | { kind: 'table'; table: Table; collapsed?: boolean }
  | { kind: 'pairs'; summary: string; pairs: [string, string][] };

export interface Section {
  heading: string;
  blocks: Block[];
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The SVG element alone (no XML prolog), scaled to the page width, with its internal ids (clip paths, gradients)
 * prefixed by the figure id so that several inline SVGs cannot refer to each other's.
 */
function inlineSvg(svg: string, id: string): string {
  let body = svg.replace(/^<\?xml[^>]*>\s*/, '');
  const ids = [...body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  for (const x of ids) {
    const q = x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    body = body
      .replace(new RegExp(`(\\sid=")${q}"`, 'g'), `$1${id}-${x}"`)
      .replace(new RegExp(`url\\(#${q}\\)`, 'g'), `url(#${id}-${x})`)
      .replace(new RegExp(`(href=")#${q}"`, 'g'), `$1#${id}-${x}"`);
  }
  return body.replace(/^<svg /, `<svg id="svg-${id}" role="img" aria-label="${escapeHtml(id)}" style="max-width:100%;height:auto" `);
}

function tableHtml(t: Table): string {
  const header = t.display?.header ?? t.columns;
  const rows = t.display?.rows ?? t.rows.map((r) => t.columns.map((c) => (r[c] === null || r[c] === undefined ? '' : typeof r[c] === 'number' ? formatNumber(r[c] as number) : String(r[c]))));
  return [
    `<table id="table-${escapeHtml(t.id)}"><caption><b>${escapeHtml(t.title)}.</b> ${escapeHtml(t.caption)}</caption>`,
    `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`,
  ].join('\n');
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'text':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'figure':
      return [
        `<figure class="cfa-figure" id="fig-${escapeHtml(b.figure.id)}">`,
        inlineSvg(b.figure.svg, b.figure.id),
        `<figcaption><b>${escapeHtml(b.figure.title)}.</b> ${escapeHtml(b.figure.caption)} Files: figures/${escapeHtml(b.figure.id)}.svg${b.figure.png ? `, figures/${escapeHtml(b.figure.id)}.png` : ''}.</figcaption>`,
        '</figure>',
      ].join('\n');
    case 'table':
      return b.collapsed
        ? `<details><summary>${escapeHtml(b.table.title)} (tables/${escapeHtml(b.table.id)}.csv)</summary>\n${tableHtml(b.table)}\n</details>`
        : tableHtml(b.table);
    case 'pairs':
      return `<details><summary>${escapeHtml(b.summary)}</summary>\n<table class="pairs"><tbody>${b.pairs
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`)
        .join('\n')}</tbody></table>\n</details>`;
  }
}

const STYLE = `
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
figure { margin: 1.5em 0; } figcaption { font-size: 0.9em; color: #444; margin-top: 0.4em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
caption { caption-side: bottom; text-align: left; font-size: 0.9em; color: #444; padding-top: 0.4em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #f3f3f3; } td { overflow-wrap: anywhere; } details { margin: 0.6em 0; } code { font-size: 0.9em; word-break: break-all; }
`;

/** The complete page. */
export function renderHtml(title: string, intro: string[], sections: Section[]): string {
  const toc = sections.map((s, i) => `<li><a href="#s${i + 1}">${escapeHtml(s.heading)}</a></li>`).join('');
  const body = sections
    .map((s, i) => [`<section id="s${i + 1}"><h2>${escapeHtml(s.heading)}</h2>`, ...s.blocks.map(blockHtml), '</section>'].join('\n'))
    .join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    ...intro.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<nav><ol>${toc}</ol></nav>`,
    body,
    '</body></html>',
    '',
  ].join('\n');
}
