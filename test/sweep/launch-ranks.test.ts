// Local multi-process launch: every rank gets torchrun's variables and its share of the threads; a failing rank stops
// the others and its exit code is returned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { launchRanks, rankEnvironments } from '../../src/sweep/launch-ranks';

test('rankEnvironments: WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT', () => {
  assert.deepEqual(rankEnvironments(2, 29500), [
    { WORLD_SIZE: '2', RANK: '0', LOCAL_RANK: '0', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29500' },
    { WORLD_SIZE: '2', RANK: '1', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '29500' },
  ]);
});

test('launchRanks starts every rank with its variables; a failing rank ends the others and gives its code', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfa-ranks-'));
  try {
    const script = path.join(dir, 'rank.js');
    fs.writeFileSync(
      script,
      `const e = process.env; require('fs').writeFileSync(require('path').join(${JSON.stringify(dir)}, 'rank' + e.RANK + '.json'), JSON.stringify([e.WORLD_SIZE, e.RANK, e.LOCAL_RANK, e.MASTER_ADDR, e.MASTER_PORT, e.CFA_NUM_THREADS, process.argv[2]]));
       if (process.argv[2] === 'fail' && e.RANK === '1') process.exit(3);
       if (process.argv[2] === 'fail') setTimeout(() => {}, 60000);`,
    );
    assert.equal(await launchRanks([process.execPath, script, 'ok'], 3, 2), 0);
    const seen = [0, 1, 2].map((r) => JSON.parse(fs.readFileSync(path.join(dir, `rank${r}.json`), 'utf8')) as string[]);
    const port = seen[0][4];
    assert.ok(Number(port) > 0);
    seen.forEach((s, r) => assert.deepEqual(s, ['3', String(r), String(r), '127.0.0.1', port, '2', 'ok']));
    const t0 = Date.now();
    assert.equal(await launchRanks([process.execPath, script, 'fail'], 2, 1), 3);
    assert.ok(Date.now() - t0 < 30_000, 'rank 0 was stopped, not waited for');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
