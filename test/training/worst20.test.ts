// App. C.1 on a generated 200-class dataset (Tiny-ImageNet layout): with K ≥ 100 FAWA's threshold and checkpoint
// selection use the mean robust accuracy of the worst 20% of classes. With some class still at 0, FAWA accepts
// epochs by the worst-20% rule and, on the same training trajectory, none by the worst-class rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readSafetensors } from '../../src/nn';
import { EpochRecord } from '../../src/formats';
import { assertClose } from '../helpers/assert-close';
import { writeManyClasses } from './many-classes-fixture';

const CFA = path.join(__dirname, '../../../bin/cfa.js');
const THRESHOLD = 0.1;

function train(data: string, out: string, epochs: number, extra: string[]): EpochRecord[] {
  const r = spawnSync(process.execPath, [CFA, 'train', '--data', 'tiny-imagenet', '--data-dir', data, '--arch', 'smallcnn', '--eps', '2/255', '--steps', '1',
    '--epochs', String(epochs), '--batch-size', '32', '--lr', '0.05', '--threads', '1', '--cfa', 'fawa', '--quiet', '--out', out,
    '--set', 'evalSteps=1', '--set', 'validPerClass=2', '--set', 'augment=none', '--set', 'testPerClass=1', '--set', 'fawaBegin=0',
    '--set', `fawaThreshold=${THRESHOLD}`, '--set', 'lrMilestones=[6]', ...extra], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  return fs.readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

/** Mean of the 40 smallest of 200 per-class accuracies, computed here. */
const worst20 = (a: number[]) => a.slice().sort((x, y) => x - y).slice(0, 40).reduce((s, v) => s + v, 0) / 40;

test('200 classes: FAWA accepts by the worst-20% mean (default) and rejects by the worst class; selection uses worst-20%', () => {
  const data = writeManyClasses(200, 10, 1);
  try {
    const out20 = path.join(data, 'run-worst20');
    const log = train(data, out20, 8, []);
    const cfg = JSON.parse(fs.readFileSync(path.join(out20, 'config.json'), 'utf8'));
    assert.deepEqual([cfg.numClasses, cfg.fawa.metric, cfg.selectionMetric, cfg.arch], [200, 'worst20', 'worst20', 'smallcnn'], 'worst20 is the default from 100 classes on');
    assert.equal(log[0].valid.model.n, 400);
    let acceptedWithAZeroClass = 0;
    for (const r of log) {
      const v = r.valid.model;
      const w20 = worst20(v.robustPerClass);
      assert.equal(r.fawaUpdated, w20 >= THRESHOLD, `epoch ${r.epoch}: worst-20% ${w20} vs threshold ${THRESHOLD}`);
      assertClose([r.selection.model], [v.robust + w20], 1e-12, 0, `epoch ${r.epoch} selection index = average + worst-20%`);
      if (r.fawaUpdated && v.worstRobust < THRESHOLD) acceptedWithAZeroClass++;
    }
    assert.ok(acceptedWithAZeroClass > 0, `some epoch passes the worst-20% rule while a class is below ${THRESHOLD}`);
    const best = readSafetensors(path.join(out20, 'checkpoints', 'model-best.safetensors'));
    for (const t of best.tensors.values()) t.dispose();
    assert.equal(best.metadata.selectedBy, 'robust + worst-20% robust', 'the checkpoint says which measure picked it');
    assert.ok(fs.existsSync(path.join(out20, 'checkpoints', 'fawa-last.safetensors')), 'a FAWA model exists');

    // The same run under the worst-class rule. Evaluating an accepted FAWA model draws attack noise, so the two runs
    // share their trajectory up to the first epoch the worst-20% rule accepts; that is where the rules are compared.
    const first = log.findIndex((r) => r.fawaUpdated);
    const outWorst = path.join(data, 'run-worst');
    const logWorst = train(data, outWorst, first + 1, ['--set', 'fawaMetric=worst', '--set', 'selectionMetric=worst']);
    assert.deepEqual(logWorst.map((r) => r.valid.model.robustPerClass), log.slice(0, first + 1).map((r) => r.valid.model.robustPerClass), 'the same trajectory');
    assert.equal(logWorst[first].fawaUpdated, false, `epoch ${first}: the worst-class rule rejects what the worst-20% rule accepts`);
    for (const r of logWorst) {
      assert.equal(r.fawaUpdated, r.valid.model.worstRobust >= THRESHOLD);
      assertClose([r.selection.model], [r.valid.model.robust + r.valid.model.worstRobust], 1e-12, 0, 'selection index = average + worst class');
    }
    assert.ok(!fs.existsSync(path.join(outWorst, 'checkpoints', 'fawa-last.safetensors')), 'no FAWA model');
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});
