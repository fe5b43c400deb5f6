// torchrun's variables read into a group description, and the rows of a global batch each rank takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupFromEnv, rankDevice } from '../../src/distributed/env';
import { shardOf } from '../../src/distributed/data-parallel';
import { UserError } from '../../src/errors';

const base = { WORLD_SIZE: '4', RANK: '2', LOCAL_RANK: '1', MASTER_ADDR: 'node1', MASTER_PORT: '29500' };

test('WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT make a group; bad values name the variable', () => {
  assert.equal(groupFromEnv({}, 'cpu'), undefined);
  assert.equal(groupFromEnv({ WORLD_SIZE: '1' }, 'cpu'), undefined);
  const g = groupFromEnv(base, 'cpu')!;
  assert.deepEqual(g, { rank: 2, localRank: 1, worldSize: 4, masterAddr: 'node1', masterPort: 29500, backend: 'gloo', timeoutSeconds: 300 });
  assert.equal(groupFromEnv(base, 'cuda')!.backend, 'nccl');
  assert.equal(groupFromEnv({ ...base, CFA_DIST_BACKEND: 'gloo', CFA_DIST_TIMEOUT: '2.5' }, 'cuda')!.timeoutSeconds, 2.5);
  assert.equal(rankDevice('cuda', g), 'cuda:1');
  assert.equal(rankDevice('cuda:3', g), 'cuda:3');
  assert.equal(rankDevice('cpu', g), 'cpu');
  for (const [bad, name] of [[{ RANK: '4' }, 'RANK'], [{ MASTER_PORT: '70000' }, 'MASTER_PORT'], [{ MASTER_ADDR: '' }, 'MASTER_ADDR'], [{ CFA_DIST_BACKEND: 'mpi' }, 'CFA_DIST_BACKEND'], [{ CFA_DIST_TIMEOUT: '0' }, 'CFA_DIST_TIMEOUT']] as const) {
    assert.throws(() => groupFromEnv({ ...base, ...bad }, 'cpu'), (e: Error) => e instanceof UserError && e.message.startsWith(`${name}:`));
  }
});

test('each rank takes a contiguous share of the global batch; the shares cover it once', () => {
  for (const [n, world] of [[128, 2], [52, 3], [5, 4], [1, 2]]) {
    const parts = Array.from({ length: world }, (_, rank) => shardOf(n, { rank, worldSize: world }));
    let next = 0;
    for (const p of parts) {
      assert.equal(p.offset, next);
      assert.equal(p.total, n);
      assert.ok(p.count >= Math.floor(n / world) && p.count <= Math.ceil(n / world));
      next += p.count;
    }
    assert.equal(next, n);
  }
});
