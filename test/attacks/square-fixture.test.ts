// Square Attack against an independent PyTorch implementation (scripts/fixtures/attacks_square.py): same weights and
// seed, and the same order of random draws (windows, signs, η transpositions), so every query agrees. Both run in
// float64 and the generator keeps every accept/reject decision far from its threshold, so this holds on any CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { manualSeed, noGrad, tensor, tidy } from '../../src/engine';
import { squareRun } from '../../src/attacks/square';
import { assertClose } from '../helpers/assert-close';
import { TinyConvNet } from './tiny-models';

const FIX = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/attacks/square.json'), 'utf8')) as {
  conv_w: number[];
  conv_b: number[];
  fc_w: number[];
  fc_b: number[];
  x: number[];
  y: number[];
  nQueries: number;
  cases: { norm: 'Linf' | 'L2'; eps: number; adv: number[]; fooled: boolean[] }[];
};

for (const c of FIX.cases) {
  test(`Square ${c.norm} matches the PyTorch reference run query for query`, () => {
    const model = new TinyConvNet(1, 8, 5).eval().double();
    tidy(() => {
      model.loadStateDict(
        new Map([
          ['conv.weight', tensor(FIX.conv_w, [4, 1, 3, 3], 'float64')],
          ['conv.bias', tensor(FIX.conv_b, undefined, 'float64')],
          ['fc.weight', tensor(FIX.fc_w, [5, 256], 'float64')],
          ['fc.bias', tensor(FIX.fc_b, undefined, 'float64')],
        ]),
      );
      const x = tensor(FIX.x, [FIX.y.length, 1, 8, 8], 'float64');
      const y = tensor(FIX.y, [FIX.y.length], 'int64');
      manualSeed(0);
      const adv = squareRun(model, x, y, { eps: c.eps, norm: c.norm, nQueries: FIX.nQueries });
      assertClose(adv.toArray(), c.adv, 1e-10, 0, `Square ${c.norm} images`);
      assert.deepEqual(noGrad(() => model.forward(adv).argmax(1).ne(y)).toArray().map(Boolean), c.fooled);
    });
    model.dispose();
  });
}
