// withBatchShard: a rank's random numbers are its rows of the whole batch's draw, and the generator advances as for
// the whole batch, so attack starts do not depend on how many processes split a batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, rand, randLike, randnLike, tidy, withBatchShard } from '../../src/engine';

test('randLike and randnLike under a shard give the shard rows of the global draw, in both layouts', () => {
  tidy(() => {
    for (const channelsLast of [false, true]) {
      const x = rand([6, 3, 4, 4]);
      const whole = channelsLast ? x.channelsLast() : x;
      const local = whole.narrow(0, 2, 3);
      assert.equal(local.isChannelsLast, channelsLast);
      manualSeed(11);
      const u = randLike(whole);
      const n = randnLike(whole);
      const after = rand([2]).toArray();
      manualSeed(11);
      const us = withBatchShard({ offset: 2, count: 3, total: 6 }, () => randLike(local));
      const ns = withBatchShard({ offset: 2, count: 3, total: 6 }, () => randnLike(local));
      assert.deepEqual(us.toArray(), u.narrow(0, 2, 3).toArray());
      assert.deepEqual(ns.toArray(), n.narrow(0, 2, 3).toArray());
      assert.deepEqual(rand([2]).toArray(), after, 'generator advanced as for the whole batch');
    }
  });
});
