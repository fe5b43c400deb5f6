// Seeded random numbers: reproducible by seed, and the generator state can be saved and restored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bernoulli, full, getRngState, manualSeed, rand, randint, randn, randperm, setRngState, tidy } from '../../src/engine';

test('manualSeed makes every generator reproducible', () =>
  tidy(() => {
    const draw = () => [rand([5]).toArray(), randn([5]).toArray(), randint(0, 10, [5]).toArray(), randperm(7).toArray(), bernoulli(full([6], 0.5)).toArray()];
    manualSeed(123);
    const a = draw();
    manualSeed(123);
    assert.deepEqual(draw(), a);
    manualSeed(124);
    assert.notDeepEqual(draw(), a);
  }));

test('a saved generator state replays the same draws (used when resuming a run)', () =>
  tidy(() => {
    manualSeed(1);
    rand([3]);
    const state = getRngState();
    const first = rand([8]).toArray();
    rand([100]);
    setRngState(state);
    assert.deepEqual(rand([8]).toArray(), first);
    // Naming the device reaches the same CPU generator; on a machine with CUDA, 'cuda:0' reaches that GPU's.
    setRngState(getRngState('cpu'), 'cpu');
    const again = rand([8]).toArray();
    setRngState(state, 'cpu');
    assert.deepEqual(rand([8]).toArray(), first);
    assert.notDeepEqual(again, first);
  }));

test('distributions have the right support and moments', () =>
  tidy(() => {
    manualSeed(3);
    const u = rand([20000]);
    assert.ok(u.amin().item() >= 0 && u.amax().item() < 1);
    assert.ok(Math.abs(u.mean().item() - 0.5) < 0.01);
    const n = randn([20000]);
    assert.ok(Math.abs(n.mean().item()) < 0.03 && Math.abs(n.var(0).item() - 1) < 0.05);
    const p = randperm(50).toArray().sort((a, b) => a - b);
    assert.deepEqual(p, Array.from({ length: 50 }, (_, i) => i));
  }));
