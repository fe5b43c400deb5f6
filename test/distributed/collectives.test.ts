// The c10d collectives of the addon over two Gloo processes on loopback: all-reduce (two flat buckets, two dtypes),
// broadcast from rank 1, all-gather, sums and gathers of plain numbers; and a peer that dies is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { runRanks } from './ranks';

test('all-reduce, broadcast, all-gather and number exchanges over two Gloo processes', async () => {
  const exits = await runRanks(path.join(__dirname, 'collective-worker.js'), 2);
  for (const e of exits) assert.equal(e.code, 0, e.stderr);
  for (const [rank, e] of exits.entries()) {
    const got = JSON.parse(e.stdout);
    assert.equal(got.rank, rank);
    assert.deepEqual(got.a, [3, 6, 9, 12]);
    assert.deepEqual(got.b, [10, 1]);
    assert.ok(Math.abs(got.d[0] - 3e-3) < 1e-15, `float64 sum ${got.d[0]}`);
    assert.deepEqual(got.bc, [8, 9, 10], 'broadcast from rank 1');
    assert.deepEqual(got.shape, [2, 2]);
    assert.deepEqual(got.gathered, [0, 100, 1, 101]);
    assert.deepEqual(got.numbers, [1, 0.5]);
    assert.deepEqual(got.lists, [[5], [6, 7, 8]]);
  }
});

test('a peer that exits before a collective: the other fails within the timeout, naming its rank', async () => {
  const exits = await runRanks(path.join(__dirname, 'collective-worker.js'), 2, [], [{ CFA_DIST_TIMEOUT: '20' }, { CFA_TEST_EXIT_BEFORE_COLLECTIVES: '1' }]);
  assert.equal(exits[1].code, 3);
  assert.notEqual(exits[0].code, 0);
  assert.match(exits[0].stderr, /allReduce failed on rank 0: rank 1 stopped/);
  assert.ok(exits[0].ms < 20_000, `took ${exits[0].ms} ms`);
});
