// Adversarial attacks on models that take [0,1] images: the training-time inner maximisers (PGD, TRADES' KL attack,
// FAT's early-stopped PGD) and the evaluation attacks (PGD, APGD-CE/DLR, APGD-T, FAB/FAB-T, Square, AutoAttack).
// Every attack takes input gradients only, leaves the model's train/eval mode alone (AutoAttack sets eval and restores
// it), frees its intermediate tensors, and returns detached images inside the ε-ball and [0,1].
export { pgd, PGD_DEFAULTS } from './pgd';
export type { PgdOptions } from './pgd';
export { tradesKL } from './trades-kl';
export { fatPgd } from './fat-pgd';
export type { FatPgdOptions } from './fat-pgd';
export { ceLoss, cwLoss, dlrLoss, dlrTargetedLoss, attackLoss, maxOtherLogit } from './losses';
export type { AttackLoss } from './losses';
export { project, perSample, ascentDirection, lossAndGrad, l2Norm } from './project';
export type { Norm } from './project';
export { perturb, predict, withDefaults, variant, DRIVER_DEFAULTS } from './driver';
export type { Attack, AttackOptions, DriverSettings, RunContext, RunOutcome } from './driver';
export { ATTACKS, ATTACK_NAMES } from './registry';
export type { AttackName } from './registry';
export { apgd, apgdTargeted, apgdRun, apgdCheckpoints, apgdReduce, APGD, APGD_DEFAULTS } from './apgd';
export type { ApgdOptions, ApgdSettings, ApgdTargetedOptions } from './apgd';
export { fab, FAB, FAB_DEFAULTS } from './fab';
export type { FabOptions, FabSettings } from './fab';
export { projectOntoHyperplaneInBox } from './fab-projection';
export { square, squareRun, squareP, squareSide, SQUARE, SQUARE_DEFAULTS } from './square';
export type { SquareOptions, SquareSettings } from './square';
export { autoAttack, aaPlan, AA_ATTACKS, AA_DEFAULTS } from './autoattack';
export type { AAAttack, AAVersion, AutoAttackOptions, AutoAttackResult, AAProgress } from './autoattack';
