// Throw-away folders for tests: made under the system temp folder and removed, with their contents, when the test
// process exits (each test file runs in its own process), so repeated test runs leave nothing behind.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A new empty folder <tmp>/<prefix>XXXXXX, removed when this process exits. */
export function tempDir(prefix = 'cfa-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
