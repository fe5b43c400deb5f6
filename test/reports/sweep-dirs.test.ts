// A sweep folder given to cfa report: its runs in the grid's order (sweep.json) or by name, unstarted runs left out
// and unfinished ones noted; run directories and other paths pass through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { expandSweepDirs } from '../../src/reports/sweep-dirs';
import { tempDir } from '../helpers/temp-dir';

function run(dir: string, epochs: number, logged: number): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ epochs }));
  fs.writeFileSync(path.join(dir, 'log.jsonl'), Array.from({ length: logged }, (_, e) => `{"epoch":${e}}\n`).join(''));
}

test('sweep folders expand to their runs; notes for unfinished and unstarted runs', () => {
  const base = tempDir('cfa-sweepdirs-');
  try {
    const s = path.join(base, 'sweep');
    run(path.join(s, 'b-seed0'), 3, 3);
    run(path.join(s, 'a-seed0'), 3, 1);
    fs.writeFileSync(path.join(s, 'sweep.json'), JSON.stringify({ entries: [{ name: 'b-seed0' }, { name: 'a-seed0' }, { name: 'c-seed0' }] }));
    const single = path.join(base, 'single');
    run(single, 2, 2);
    const r = expandSweepDirs([s, single, path.join(base, 'missing')]);
    assert.deepEqual(r.dirs, [path.join(s, 'b-seed0'), path.join(s, 'a-seed0'), single, path.join(base, 'missing')]);
    assert.equal(r.sweep, true);
    assert.deepEqual(r.notes, [`${path.join(s, 'a-seed0')}: unfinished (1 of 3 epochs); its "last" numbers are from epoch 1`, `${path.join(s, 'c-seed0')}: no epoch logged yet, left out`]);
    fs.rmSync(path.join(s, 'sweep.json'));
    assert.deepEqual(expandSweepDirs([s]).dirs, [path.join(s, 'a-seed0'), path.join(s, 'b-seed0')], 'without sweep.json: by name');
    assert.deepEqual(expandSweepDirs([single]), { dirs: [single], notes: [], sweep: false });
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
