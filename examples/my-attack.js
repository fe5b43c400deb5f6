// An attack plug-in: `cfa eval --attack examples/my-attack.js`. It exports {name, defaults, run}; run receives the
// model (eval mode, taking [0,1] images), a batch x and labels y, the settings {eps, norm, steps, stepSize, seed}
// (command line first, then `defaults`) and cfa's library ({engine, nn, attacks}), and returns the adversarial batch.
// cfa projects the result onto the ε-ball and [0,1] and flags a plug-in that left them.
'use strict';

/** Iterative FGSM (Kurakin et al. 2017): `steps` signed-gradient steps of size ε/steps from x, projected each time. */
function run(model, x, y, { eps, norm, steps }, { engine, attacks }) {
  return engine.tidy(() => {
    const e = attacks.perSample(eps, x);
    let xAdv = x;
    for (let k = 0; k < steps; k++) {
      const { grad } = attacks.lossAndGrad(model, xAdv, (logits) => attacks.ceLoss(logits, y));
      xAdv = attacks.project(xAdv.add(attacks.ascentDirection(grad, norm).mul(e.div(steps))), x, e, norm);
    }
    return xAdv;
  });
}

module.exports = { name: 'ifgsm', defaults: { steps: 1 }, run };
