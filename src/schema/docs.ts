// Documentation generated from a schema: the defaults table (README, --help) and the flag list of a command.
import { Schema } from './fields';
import { Entry, entries, flatName } from './resolve';
import { PROFILES, Profile } from './rules';

export interface SettingRow {
  path: string;
  flat?: string;
  flag?: string;
  range: string;
  /** The default in words per profile ('' when the setting is absent unless given). */
  defaults: Record<Profile, string>;
  doc: string;
}

function defaultText(e: Entry, p: Profile): string {
  return e.field.default ? e.field.default.text(p) : '';
}

export function settingRows(schema: Schema): SettingRow[] {
  return entries(schema).map((e) => ({
    path: e.path,
    flat: flatName(e) !== e.path ? flatName(e) : undefined,
    flag: e.field.flag,
    range: e.field.range,
    defaults: { paper: defaultText(e, 'paper'), official: defaultText(e, 'official') },
    doc: e.field.doc,
  }));
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The Markdown table of every setting (README). */
export function markdownTable(schema: Schema): string {
  const lines = [
    '| setting | flag | default (`paper` profile) | `official` profile | values | meaning |',
    '|---|---|---|---|---|---|',
    ...settingRows(schema).map((r) => {
      const name = `\`${r.path}\`${r.flat ? ` (\`${r.flat}\`)` : ''}`;
      const official = r.defaults.official === r.defaults.paper ? 'same' : r.defaults.official;
      return `| ${[name, r.flag ? `\`--${r.flag}\`` : '', r.defaults.paper || 'unset', official || 'unset', r.range, r.doc].map(cell).join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}

/**
 * Plain-text table of the settings whose default differs between the profiles; the fields of one group share a row
 * ("fawa.decay / threshold / begin   0.85 / 0.2 / …   0.88 / 0.24 / 0").
 */
export function profileTable(schema: Schema): string {
  const rows: { name: string; paper: string; official: string }[] = [];
  for (const r of settingRows(schema).filter((x) => x.defaults.paper !== x.defaults.official)) {
    const [head, tail] = r.path.includes('.') ? [r.path.slice(0, r.path.lastIndexOf('.')), r.path.slice(r.path.lastIndexOf('.') + 1)] : [r.path, ''];
    const last = rows[rows.length - 1];
    if (tail && last?.name.startsWith(`${head}.`)) {
      last.name += ` / ${tail}`;
      last.paper += ` / ${r.defaults.paper}`;
      last.official += ` / ${r.defaults.official}`;
    } else rows.push({ name: r.path, paper: r.defaults.paper, official: r.defaults.official });
  }
  const w = Math.max(...rows.map((r) => r.name.length)) + 2;
  const v = Math.max(...rows.map((r) => r.paper.length)) + 2;
  const head = `  ${'setting'.padEnd(w)}${`${PROFILES[0]} (default)`.padEnd(v)}${PROFILES[1]} (the official code)`;
  return [head, ...rows.map((r) => `  ${r.name.padEnd(w)}${r.paper.padEnd(v)}${r.official}`)].join('\n');
}

/** `--help` lines of the fields that have a flag: flag, value word, doc and default. */
export function flagHelp(schema: Schema): string[] {
  return settingRows(schema)
    .filter((r) => r.flag)
    .map((r) => {
      const f = entries(schema).find((e) => e.path === r.path)!.field;
      const left = `--${r.flag}${f.arg ? ` ${f.arg}` : ''}`;
      const d = r.defaults.paper === r.defaults.official ? r.defaults.paper : `${r.defaults.paper}; official profile ${r.defaults.official}`;
      return `  ${left.padEnd(22)} ${r.doc}${d && !(f.boolean && d === 'false') ? ` (default ${d})` : ''}`;
    });
}

/** `--help` lines of every setting (name, flat name, values, default). */
export function settingHelp(schema: Schema): string[] {
  return settingRows(schema).map((r) => {
    const d = r.defaults.paper === r.defaults.official ? r.defaults.paper : `${r.defaults.paper}; official ${r.defaults.official}`;
    return `  ${(r.path + (r.flat ? ` (${r.flat})` : '')).padEnd(38)} ${r.doc} [${r.range}]${d ? ` default ${d}` : ''}`;
  });
}
