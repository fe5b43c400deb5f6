// Atomic file writes: the data goes to a temporary file in the same folder, is flushed, then renamed over the target,
// so a crash leaves either the old file or the new one, never a partial one.
import * as fs from 'fs';
import * as path from 'path';

/** Writes data (a string, bytes, or byte chunks written one after another) to file atomically. */
export function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    if (Array.isArray(data)) for (const chunk of data) fs.writeSync(fd, chunk);
    else fs.writeFileSync(fd, data as string | Uint8Array);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch {
    // Some filesystems do not allow fsync on a directory; the rename itself is still atomic.
  }
}

/** Appends one line (e.g. a JSONL record) and flushes it to disk. */
export function appendLineSync(file: string, line: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, line.endsWith('\n') ? line : `${line}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
