// The paper's experiments as named grids (CIFAR-10, PreActResNet-18, 200 epochs; values from the paper, see
// docs/methods.md#ema, #fawa and #deviations). `cfa sweep NAME` takes one of these instead of a grid file.
import { Grid, expandGrid } from './grid';

const cifar = { dataset: 'cifar10', arch: 'prn18', epochs: 200 };
const tenths = [0.3, 0.4, 0.5, 0.6, 0.7];

export const NAMED_GRIDS: Record<string, { doc: string; grid: Record<string, unknown> }> = {
  // Table 1: X and X+EMA are the model and EMA of one run of X; X+CFA is the FAWA model of the run with CCM (+CCR).
  'paper-table1': {
    doc: "Table 1: AT, TRADES, FAT (each with EMA) and their +CFA runs, FRL (+EMA) fine-tuned from a TRADES model of FRL's own network (frl-start: the hot start, whose training FRL's code does not give); 8 runs × 5 seeds give the 11 rows",
    grid: {
      methods: {
        at: 'paper-cifar10-at',
        'at-cfa': 'paper-cifar10-at-cfa',
        trades: 'paper-cifar10-trades',
        'trades-cfa': 'paper-cifar10-trades-cfa',
        fat: 'paper-cifar10-fat',
        'fat-cfa': 'paper-cifar10-fat-cfa',
        // FRL fine-tunes its own PreActResNet-18 variant on raw pixels: its hot start is TRADES on that network.
        'frl-start': { preset: 'paper-cifar10-trades', arch: 'prn18-frl', normalize: 'none', padMode: 'zero' },
        frl: { preset: 'paper-cifar10-frl', init: '{out}/frl-start-seed{seed}/checkpoints/model-best.safetensors', after: 'frl-start' },
      },
      seeds: 5,
    },
  },
  // §3.1: eight AT models with ε ∈ {2, 4, …, 16}/255.
  'paper-fig2': {
    doc: 'Fig. 2: AT with ε = 2/255 … 16/255 (8 runs)',
    grid: { base: cifar, methods: { at: { method: 'at' } }, axes: { eps: [2, 4, 6, 8, 10, 12, 14, 16].map((e) => `${e}/255`) } },
  },
  // §3.2: TRADES with β = 1 … 8.
  'paper-fig3': {
    doc: 'Fig. 3: TRADES with β = 1 … 8 (8 runs)',
    grid: { base: cifar, methods: { trades: { method: 'trades' } }, axes: { beta: [1, 2, 3, 4, 5, 6, 7, 8] } },
  },
  // §5.3.1: AT+CCM with λ₁ from 0.3 to 0.7 against vanilla AT.
  'paper-fig5a': {
    doc: 'Fig. 5(a): AT+CCM with λ₁ = 0.3 … 0.7 and vanilla AT (6 runs)',
    grid: { base: cifar, methods: { at: { method: 'at' }, 'at-ccm': { method: 'at', cfa: 'ccm', axes: { lambda1: tenths } } } },
  },
  // App. C.3: TRADES+CCM+CCR with λ₂ from 0.3 to 0.7 (λ₁ 0.3) against vanilla TRADES.
  'paper-fig7': {
    doc: 'Fig. 7: TRADES+CCM+CCR with λ₂ = 0.3 … 0.7 (λ₁ 0.3) and vanilla TRADES (6 runs)',
    grid: { base: cifar, methods: { trades: { method: 'trades' }, 'trades-ccm-ccr': { method: 'trades', cfa: 'ccm,ccr', lambda1: 0.3, axes: { lambda2: tenths } } } },
  },
};

/** A named grid, expanded; undefined when `name` is not one. */
export function namedGrid(name: string, version: string, out?: string): Grid | undefined {
  const g = NAMED_GRIDS[name];
  return g ? expandGrid(g.grid, name, version, out) : undefined;
}
