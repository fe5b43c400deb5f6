// One rank of the collectives test (collectives.test.ts starts two): runs each collective on rank-dependent values
// and prints what it got as JSON. With CFA_TEST_EXIT_BEFORE_COLLECTIVES set it exits at once instead (code 3).
import { tensor, tidy } from '../../src/engine';
import { groupFromEnv } from '../../src/distributed/env';
import { withGroup } from '../../src/distributed/group';

void withGroup(groupFromEnv(process.env, 'cpu'), (c) =>
  tidy(() => {
    const r = c.rank;
    if (process.env.CFA_TEST_EXIT_BEFORE_COLLECTIVES) process.exit(3);
    // Three tensors over two dtypes: two flat buckets.
    const a = tensor([r + 1, 2 * (r + 1), 3 * (r + 1), 4 * (r + 1)], [2, 2], 'float32');
    const b = tensor([10 * r, 0.5], [2], 'float32');
    const d = tensor([r === 0 ? 1e-3 : 2e-3], [1], 'float64');
    c.allReduceSum([a, b, d]);
    const bc = tensor([r + 7, r + 8, r + 9], [3], 'float32');
    c.broadcast([bc], 1);
    const gathered = c.allGather(tensor([r, 100 + r], [2], 'int64'));
    const numbers = c.sumNumbers([r, 0.25]);
    const lists = c.gatherNumbers(r === 0 ? [5] : [6, 7, 8]);
    c.barrier();
    process.stdout.write(
      `${JSON.stringify({ rank: r, a: a.toArray(), b: b.toArray(), d: d.toArray(), bc: bc.toArray(), gathered: gathered.toArray(), shape: gathered.shape, numbers, lists })}\n`,
    );
  }),
).catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
