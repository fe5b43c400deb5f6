// `cfa eval --format robustbench`: a result in the shape of RobustBench's model_info/<dataset>/<threat>/<name>.json
// files (accuracies as percent strings with two decimals, ε as "8/255" when it is k/255, else the decimal), plus
// our per-class figures under "classwise" (percent numbers). Fields the evaluation cannot know (link, authors,
// venue, reported) are left empty for the user to fill in; "unreliable" is set when the attack budget was reduced
// (--n-iter, --n-queries) or a sanity check raised a flag.
import { UserError } from '../errors';
import { EvalResult } from '../formats';

const ARCH_NAMES: Record<string, string> = {
  prn18: 'PreActResNet-18',
  preactresnet18: 'PreActResNet-18',
  resnet18: 'ResNet-18',
  'wrn34-10': 'WideResNet-34-10',
  smallcnn: 'SmallCNN',
};

/** ε as RobustBench writes it: "8/255" when ε·255 is an integer, else the decimal ("0.5"). */
export function robustBenchEps(eps: number): string {
  const k = eps * 255;
  return Math.abs(k - Math.round(k)) < 1e-6 ? `${Math.round(k)}/255` : String(Number(eps.toPrecision(6)));
}

const pct = (a: number): string => (100 * a).toFixed(2);
const pctNum = (a: number): number => Math.round(10000 * a) / 100;

export interface RobustBenchInfo {
  link: string;
  name: string;
  authors: string;
  additional_data: boolean;
  number_forward_passes: number;
  dataset: string;
  venue: string;
  architecture: string;
  threat_model: 'Linf' | 'L2';
  eps: string;
  clean_acc: string;
  reported: string;
  autoattack_acc: string;
  footnote: string;
  unreliable: boolean;
  classwise: {
    class_names: string[];
    n_per_class: number[];
    clean_acc: number[];
    autoattack_acc: number[];
    worst_class_clean_acc: number;
    worst_class_autoattack_acc: number;
    worst20_autoattack_acc: number;
  };
}

/** The RobustBench model-info record of an AutoAttack result on `testSize` test images; `name` names the model. */
export function robustBenchInfo(r: EvalResult, name: string, testSize: number): RobustBenchInfo {
  if (!r.attack.startsWith('aa-')) throw new UserError(`--format robustbench: the leaderboard reports AutoAttack; got --attack ${r.attack} (use --attack aa)`);
  const nPerClass = r.classNames.map((_, k) => r.confusion[k]?.reduce((a, b) => a + b, 0) ?? 0);
  const notes = [`AutoAttack (${r.attack.slice(3)}) by cfa eval on ${r.n === testSize ? 'the whole test set' : `${r.n} of ${testSize} test images (class-balanced)`}, seed ${r.seed}.`];
  const reduced = r.attack.includes('(');
  if (reduced) notes.push('Reduced attack budget: not a leaderboard evaluation.');
  if (r.flags.length) notes.push(`Flags: ${r.flags.join('; ')}.`);
  return {
    link: '',
    name,
    authors: '',
    additional_data: false,
    number_forward_passes: 1,
    dataset: r.dataset,
    venue: '',
    architecture: ARCH_NAMES[r.arch] ?? r.arch,
    threat_model: r.threatModel,
    eps: robustBenchEps(r.eps),
    clean_acc: pct(r.cleanAccuracy),
    reported: '',
    autoattack_acc: pct(r.robustAccuracy),
    footnote: notes.join(' '),
    unreliable: reduced || r.flags.length > 0,
    classwise: {
      class_names: r.classNames.slice(),
      n_per_class: nPerClass,
      clean_acc: r.cleanPerClass.map(pctNum),
      autoattack_acc: r.robustPerClass.map(pctNum),
      worst_class_clean_acc: pctNum(r.worstClassClean),
      worst_class_autoattack_acc: pctNum(r.worstClassRobust),
      worst20_autoattack_acc: pctNum(r.worst20Robust),
    },
  };
}
