// Writes a report folder: NAME.html, figures/<id>.svg|.png and tables/<id>.csv|.json.
import * as fs from 'fs';
import * as path from 'path';
import { RenderedFigure } from './figure';
import { Table, toCsv, toJson } from './table';

export interface WrittenReport {
  html: string;
  files: string[];
}

/** Creates outDir (and its figures/ and tables/ folders) and writes every file; returns their paths. */
export function writeReport(outDir: string, htmlName: string, html: string, figures: RenderedFigure[], tables: Table[]): WrittenReport {
  const files: string[] = [];
  const write = (rel: string, data: string | Buffer) => {
    const p = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
    files.push(p);
  };
  for (const f of figures) {
    write(`figures/${f.id}.svg`, f.svg);
    if (f.png) write(`figures/${f.id}.png`, f.png);
  }
  for (const t of tables) {
    write(`tables/${t.id}.csv`, toCsv(t));
    write(`tables/${t.id}.json`, toJson(t));
  }
  write(htmlName, html);
  return { html: path.join(outDir, htmlName), files };
}
