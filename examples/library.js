// cfa as a library: build the network of examples/my-net.js, train it with a few PGD-AT steps on synthetic
// three-class images, attack held-out images with PGD-10 and print the per-class clean and robust accuracy.
//   node examples/library.js [--steps N] [--points N]        (outside this repository: require('cfa'))
'use strict';
const path = require('path');
const { engine, nn, attacks, metrics } = require('..');

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const STEPS = arg('steps', 60);
const POINTS = arg('points', 300);
const K = 3;
const SIDE = 12;
const EPS = 0.15;
const CONTRAST = [0.6, 0.4, 0.2];

/** n images of class i mod K: uniform noise in [0, 0.4] plus CONTRAST[k] on the four rows 4k…4k+3 (class 2 is the hard one). */
function images(n, seed) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const x = new Float32Array(n * SIDE * SIDE);
  const y = [];
  for (let i = 0; i < n; i++) {
    const k = i % K;
    y.push(k);
    for (let p = 0; p < SIDE * SIDE; p++) x[i * SIDE * SIDE + p] = 0.4 * rnd() + (Math.floor(p / SIDE / 4) === k ? CONTRAST[k] : 0);
  }
  return { x: engine.tensor(x, [n, 1, SIDE, SIDE]), y: engine.tensor(y, [n], 'int64'), labels: y };
}

engine.manualSeed(0);
const model = nn.createModel({ arch: path.join(__dirname, 'my-net.js'), numClasses: K, inChannels: 1, inputSize: SIDE, mean: [0.45], std: [0.3] });
const sgd = new nn.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
const train = images(POINTS, 1);
for (let step = 0; step < STEPS; step++) {
  engine.tidy(() => {
    const idx = engine.randperm(POINTS).slice(0, 0, 32);
    const x = train.x.index([idx]);
    const y = train.y.index([idx]);
    const xAdv = attacks.pgd(model.eval(), x, y, { eps: EPS, stepSize: EPS / 4, steps: 5 });
    const loss = engine.F.crossEntropy(model.train().forward(xAdv), y);
    sgd.zeroGrad();
    loss.backward();
    sgd.step();
  });
}

const test = images(POINTS, 2);
model.eval();
const predict = (x) => engine.tidy(() => engine.noGrad(() => model.forward(x).argmax(1).toArray()));
const clean = predict(test.x);
const robust = engine.tidy(() => predict(attacks.pgd(model, test.x, test.y, { eps: EPS, stepSize: EPS / 4, steps: 10 })));
const m = metrics.classwiseMetrics(test.labels, clean, robust, K);
console.log(`class  clean   robust (PGD-10, L∞ ε=${EPS})`);
m.cleanPerClass.forEach((c, k) => console.log(`${String(k).padEnd(5)}  ${(100 * c).toFixed(1).padStart(5)}%  ${(100 * m.robustPerClass[k]).toFixed(1).padStart(5)}%`));
console.log(`all    ${(100 * m.clean).toFixed(1).padStart(5)}%  ${(100 * m.robust).toFixed(1).padStart(5)}%   worst class ${(100 * m.worstClassRobust).toFixed(1)}%`);
console.log(JSON.stringify({ clean: m.clean, robust: m.robust, cleanPerClass: m.cleanPerClass, robustPerClass: m.robustPerClass, worstClassRobust: m.worstClassRobust }));
engine.dispose([train.x, train.y, test.x, test.y]);
model.dispose();
