// ε as the paper writes it: k/255 only when ε is a whole number of 255ths; short decimals stay decimals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatEps } from '../../src/eps-format';
import { formatEps as tableEps } from '../../src/evaluation/table';
import { formatEps as reportEps } from '../../src/reports/describe';

test('whole 255ths read k/255, within a tiny tolerance', () => {
  for (const k of [1, 2, 4, 8, 12, 16]) assert.equal(formatEps(k / 255), `${k}/255`);
  assert.equal(formatEps(8 / 255 + 1e-10), '8/255');
  assert.equal(formatEps(Math.fround(8 / 255)), '8/255'); // a float32 round trip through a checkpoint or tensor
  assert.equal(formatEps(2 / 255), '2/255');
});

test('other budgets read as decimals: 0.1 is 0.1, not 25.5/255', () => {
  assert.equal(formatEps(0.1), '0.1');
  assert.equal(formatEps(0.3), '0.3');
  assert.equal(formatEps(0.031), '0.031');
  assert.equal(formatEps(0.007), '0.007');
  assert.equal(formatEps(0.5), '0.5');
  assert.equal(formatEps(0.2), '0.2'); // 51/255 exactly, but the short decimal is how anyone writes it
  assert.equal(formatEps(0), '0');
  assert.equal(formatEps(0.1 / 4), '0.025');
  assert.equal(formatEps(12.5 / 255), '0.04902');
  assert.equal(formatEps(1 / 7), '0.1429');
});

test('tables and reports use the one helper', () => {
  assert.equal(tableEps, formatEps);
  assert.equal(reportEps, formatEps);
});
