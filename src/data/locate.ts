// Finding a dataset's folder: --data-dir, else $CFA_DATA, else well-known places (~/.cache/cfa, ./data,
// /usr/share/datasets). A miss is a UserError listing the expected files, every folder searched, and how to get the data.
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../errors';
import { DatasetSpec } from './catalog';
import { findEntry, isFolder } from './files';

export interface LocateOptions {
  /** Folder given by the user (--data-dir): the dataset folder itself or a folder containing it. Searched alone. */
  dataDir?: string;
  /** Environment (default process.env); CFA_DATA names a dataset folder or a folder containing it. */
  env?: NodeJS.ProcessEnv;
  /** For ~/.cache/cfa (default os.homedir()). */
  home?: string;
  /** For ./data (default process.cwd()). */
  cwd?: string;
}

/** Candidate folders in search order: each root itself (when user-given), then root/<folder> and root/<name>/<folder>. */
export function candidateFolders(spec: DatasetSpec, opts: LocateOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const under = (root: string): string[] => [
    ...spec.folders.map((f) => path.join(root, f)),
    ...spec.folders.filter((f) => f !== spec.name).map((f) => path.join(root, spec.name, f)),
  ];
  const out: string[] = [];
  if (opts.dataDir) out.push(path.resolve(opts.dataDir), ...under(path.resolve(opts.dataDir)));
  else {
    if (env.CFA_DATA) out.push(path.resolve(env.CFA_DATA), ...under(path.resolve(env.CFA_DATA)));
    for (const root of [path.join(opts.home ?? os.homedir(), '.cache', 'cfa'), path.join(opts.cwd ?? process.cwd(), 'data'), '/usr/share/datasets']) {
      out.push(...under(root));
    }
  }
  return [...new Set(out)];
}

/** A required entry for messages: its first name, with '[.gz]' when a gzipped variant is accepted. */
function label(alts: string[]): string {
  return alts.includes(`${alts[0]}.gz`) ? `${alts[0]}[.gz]` : alts[0];
}

/** The entries of `spec.required` missing from `dir`. */
export function missingEntries(spec: DatasetSpec, dir: string): string[] {
  return spec.required.filter((alts) => !findEntry(dir, alts)).map(label);
}

/** The first candidate folder holding every required file; otherwise a UserError that says what to do. */
export function locateDataset(spec: DatasetSpec, opts: LocateOptions = {}): string {
  const tried: string[] = [];
  for (const dir of candidateFolders(spec, opts)) {
    if (!isFolder(dir)) {
      tried.push(`  ${dir} (no such folder)`);
      continue;
    }
    const missing = missingEntries(spec, dir);
    if (missing.length === 0) return dir;
    tried.push(`  ${dir} (missing ${missing.join(', ')})`);
  }
  const expected = spec.required.map(label).join(', ');
  const where = opts.dataDir ? `--data-dir ${opts.dataDir}` : '--data-dir, $CFA_DATA or the usual places';
  throw new UserError(
    `${spec.name}: dataset not found via ${where}.\n` +
      `Expected in one folder: ${expected}.\nLooked in:\n${tried.join('\n')}\n` +
      `To get it: ${spec.howToGet}.`,
  );
}
