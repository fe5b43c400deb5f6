// A report table: machine-readable rows (written as CSV and JSON) plus an optional formatted view for the HTML page.

export type Cell = string | number | boolean | null;

export interface Table {
  /** File stem: tables/<id>.csv and tables/<id>.json. */
  id: string;
  title: string;
  /** What every number is and how it was measured. */
  caption: string;
  columns: string[];
  rows: Record<string, Cell>[];
  /** What the HTML page shows, when different from the raw rows (e.g. "82.3 ± 0.8 / 63.9 ± 1.6"). */
  display?: { header: string[]; rows: string[][] };
}

function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header line; null becomes an empty field. */
export function toCsv(t: Table): string {
  const lines = [t.columns.map(csvCell).join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvCell(r[c] ?? null)).join(','));
  return lines.join('\n') + '\n';
}

/** { title, caption, columns, rows } as indented JSON. */
export function toJson(t: Table): string {
  return JSON.stringify({ title: t.title, caption: t.caption, columns: t.columns, rows: t.rows }, null, 2) + '\n';
}

function textCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(5)));
  return String(v);
}

/** A plain-text rendering for the console: title, aligned columns (the display view when there is one). */
export function toText(t: Table): string {
  const header = t.display?.header ?? t.columns;
  const rows = t.display?.rows ?? t.rows.map((r) => t.columns.map((c) => textCell(r[c] ?? null)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [t.title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
