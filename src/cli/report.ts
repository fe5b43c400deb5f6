// `cfa report RUN_DIR... --out DIR`: the paper's tables and figures for one or many training runs.
import { UserError } from '../errors';
import { writeRunReport } from '../reports/report';
import { MODEL_KINDS, ModelKind } from '../reports/run-groups';
import { expandSweepDirs } from '../reports/sweep-dirs';
import { toText } from '../reports/table';
import { parseFlags, parseInteger } from './args';

export const summary = 'tables and figures (HTML, SVG, PNG, CSV, JSON) from run directories';

const HELP = `usage: cfa report RUN_DIR... [--out DIR] [--window A-B]... [--models LIST] [--no-png]
       cfa report SWEEP_DIR                (the runs of a cfa sweep; prints the Table 1 view, mean ± std over seeds)

Reads each RUN_DIR (config.json, log.jsonl, optional eval-*.json; a sweep folder stands for its run directories)
and writes DIR/report.html (self-contained),
DIR/figures/*.svg|png and DIR/tables/*.csv|json:
  - Table 1 style comparison (best and last checkpoint, clean and robust, average / worst class, mean ± std over
    runs that differ only by seed), from eval-*.json when present, else the numbers logged during training
  - class-wise accuracy bars across runs (Figs. 2, 3, 6), robust accuracy per epoch and worst-class fluctuation
    (Fig. 4a), model vs EMA vs FAWA (Fig. 4b), class-wise ε_k and β_k (Figs. 5b, 7b)

options:
  --out DIR        output folder (default ./report)
  --window A-B     also average class-wise accuracy over logged epochs A..B (1-based, inclusive); repeatable,
                   e.g. --window 101-120 --window 181-200 as in the paper's Fig. 2
  --models LIST    models in the class-wise figures, comma-separated from model,ema,fawa (default all logged)
  --no-png         write SVG only (PNG rendering needs a system font such as Debian's fonts-dejavu-core)`;

function parseWindow(text: string): [number, number] {
  const m = /^\s*(\d+)\s*[-–:]\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UserError(`--window: expected A-B with 1-based epochs A ≤ B, got '${text}'`);
  const a = parseInteger(m[1], '--window', 1);
  const b = parseInteger(m[2], '--window', 1);
  if (a > b) throw new UserError(`--window: expected A ≤ B, got '${text}'`);
  return [a, b];
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  return [...lines, line].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      out: { type: 'string' },
      window: { type: 'string', multiple: true },
      models: { type: 'string' },
      'no-png': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UserError(`give at least one run directory\n\n${HELP}`);
  const windows = [...new Map(((values.window as string[] | undefined) ?? []).map(parseWindow).map((w) => [w.join('-'), w])).values()];
  let models: ModelKind[] | undefined;
  if (values.models !== undefined) {
    models = (values.models as string).split(',').map((m) => m.trim()) as ModelKind[];
    const bad = models.filter((m) => !MODEL_KINDS.includes(m));
    if (bad.length) throw new UserError(`--models: unknown model '${bad[0]}' (expected a comma-separated list of ${MODEL_KINDS.join(', ')})`);
  }
  const version = (require('../../../package.json') as { version: string }).version;
  const out = (values.out as string | undefined) ?? 'report';
  const expanded = expandSweepDirs(positionals);
  const written = await writeRunReport(expanded.dirs, { out, windows, models, png: !values['no-png'], version });
  for (const n of [...expanded.notes, ...written.notes]) console.log(`note: ${n}`);
  const table1 = written.tables.find((t) => t.id === 'comparison');
  if (expanded.sweep && table1) console.log(`${toText(table1)}\n${wrap(table1.caption, 118)}\n`);
  console.log(`wrote ${written.html} and ${written.files.length - 1} figure and table files under ${out}`);
  return 0;
}
