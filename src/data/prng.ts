// Our own seeded random numbers for data order, augmentation and splits (xoshiro128**, seeded by hashing a key with
// splitmix32). Independent of libtorch's generator, so the data of (seed, epoch) is the same however a run got there.

export interface Rng {
  /** Next uniform uint32. */
  next(): number;
  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2^32 (unbiased, by rejection). */
  int(n: number): number;
  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** xoshiro128** from an explicit 4-word state (not all zero). */
export function xoshiro128ss(state: [number, number, number, number]): Rng {
  let [s0, s1, s2, s3] = state.map((v) => v | 0);
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const int = (n: number): number => {
    if (!(n >= 1 && n <= 2 ** 32)) throw new RangeError(`Rng.int: n must be in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x = next();
    while (x >= limit) x = next();
    return x % n;
  };
  const shuffle = <T extends { length: number; [i: number]: number }>(a: T): T => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const v = a[i];
      a[i] = a[j];
      a[j] = v;
    }
    return a;
  };
  return { next, int, shuffle };
}

function splitmix32(s: number): [number, number] {
  s = (s + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return [s, (z ^ (z >>> 15)) >>> 0];
}

/**
 * A generator determined by a key of integers (e.g. seed, epoch, stream id). Any safe integers are accepted, negative
 * or above 2^32; different keys give independent-looking streams.
 */
export function createRng(...key: number[]): Rng {
  let h = 0x243f6a88;
  for (const k of key) {
    if (!Number.isSafeInteger(k)) throw new RangeError(`createRng: key parts must be safe integers, got ${k}`);
    for (const word of [k >>> 0, Math.floor(k / 2 ** 32) >>> 0]) [h] = splitmix32(h ^ splitmix32(word)[1]);
  }
  const state: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) [h, state[i]] = splitmix32(h);
  if (state.every((v) => v === 0)) state[0] = 1;
  return xoshiro128ss(state);
}

/** Stream ids: each use of randomness draws from its own stream so that changing one leaves the others alone. */
export const STREAM = { order: 1, augment: 2, validation: 3, subset: 4 } as const;
