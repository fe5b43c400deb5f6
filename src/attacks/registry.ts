// The evaluation attacks by name (AutoAttack's stages, `cfa eval --attack NAME`): each entry is an attack file's
// defaults and single run, which the driver runs. Adding an attack = its file and one line here.
import { APGD } from './apgd';
import { Attack, variant } from './driver';
import { FAB } from './fab';
import { SQUARE } from './square';

export const ATTACKS = {
  'apgd-ce': APGD,
  'apgd-dlr': variant(APGD, { loss: 'dlr' }, 3),
  'apgd-t': variant(APGD, { targeted: true }, 4),
  fab: variant(FAB, { targeted: false }),
  'fab-t': FAB,
  square: SQUARE,
} satisfies Record<string, Attack>;

export type AttackName = keyof typeof ATTACKS;
export const ATTACK_NAMES = Object.keys(ATTACKS) as AttackName[];
