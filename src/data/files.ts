// Reading dataset files: every failure becomes a UserError naming the file.
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../errors';

/** The whole file; a missing, unreadable or oversized (> 2 GiB) file is a UserError naming it. */
export function readBinary(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError(`${file}: file not found`);
    if (err.code === 'EISDIR') throw new UserError(`${file}: expected a file, found a folder`);
    throw new UserError(`${file}: cannot read (${err.code ?? err.message})`);
  }
}

/** Non-empty trimmed lines of a text file. */
export function readLines(file: string): string[] {
  return readBinary(file)
    .toString('utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Class names from a one-name-per-line file, which must list exactly `count` names. */
export function readNameFile(file: string, count: number): string[] {
  const names = readLines(file);
  if (names.length !== count) throw new UserError(`${file}: expected ${count} class names (one per line), found ${names.length}`);
  return names;
}

/** The first of `names` that exists in `dir` (a trailing '/' asks for a folder), or undefined. */
export function findEntry(dir: string, names: readonly string[]): string | undefined {
  for (const n of names) {
    const wantDir = n.endsWith('/');
    const p = path.join(dir, wantDir ? n.slice(0, -1) : n);
    try {
      const st = fs.statSync(p);
      if (wantDir ? st.isDirectory() : st.isFile()) return p;
    } catch {
      // absent: try the next name
    }
  }
  return undefined;
}

/** True when `p` is an existing folder. */
export function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Like findEntry, but a UserError naming the folder and the expected names when none exists. */
export function requireEntry(dir: string, names: readonly string[]): string {
  const found = findEntry(dir, names);
  if (!found) throw new UserError(`${dir}: expected ${names.join(' or ')} in this folder`);
  return found;
}

/** Sorted entry names of a folder; a UserError naming it when it cannot be listed. */
export function listFolder(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UserError(`${dir}: folder not found`);
    throw new UserError(`${dir}: cannot list folder (${err.code ?? err.message})`);
  }
}
