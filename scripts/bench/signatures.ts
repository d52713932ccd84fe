/**
 * `npm run bench:signatures`: the two heavy steps of Level 1 on the same data, here and in the Python references,
 * in the same run: Morlet power (ours vs MNE-Python's tfr_array_morlet; paper frequencies 4-149 Hz, k0 by range)
 * and forest fitting (ours on 2 worker threads vs scikit-learn with n_jobs=2; same trees, same features), plus the
 * cross-validated F1 of both on the same folds. Data: the planted synthetic dataset (160 trials, 512 Hz), contact RF2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ndarray, toNpy } from '@/lib/arrays';
import { tfrMorlet } from '@/lib/dsp';
import { f1PerClass, foldsFromAssignment, stratifiedKFold } from '@/lib/ml/forest/cv';
import { RandomForestClassifier } from '@/lib/ml/forest/forest';
import { contactFeatures, pickContact, resolveParams } from '@/lib/signatures';
import { generateIeegEpochs } from '@/lib/synthetic';
import { runInThread } from '@/workers/threads/pool';
import { ensureReference, runPython } from './reference';

const trees = Number(process.argv[process.argv.indexOf('--trees') + 1] || 500);
ensureReference();
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-signatures-'));
const synthetic = generateIeegEpochs({ seed: 1 });
const nEpochs = synthetic.labels.length;
const channel = synthetic.chNames.indexOf('RF2');
const contact = pickContact(synthetic.data, nEpochs, synthetic.chNames.length, synthetic.nTimes, channel);
const params = resolveParams({ nEstimators: trees, rejectFactor: null }, 'paper');
const freqs = Float64Array.from(params.freqs);
const nCycles = Float64Array.from(params.nCycles as number[]);
const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const out = await fn();
  return [out, (performance.now() - t) / 1000];
};

// 1. Morlet power of all trials: (160, 1, 768) -> (160, 1, 146, 768).
writeFileSync(path.join(dir, 'epochs.npy'), toNpy(ndarray('float64', Float64Array.from(contact.data), [nEpochs, 1, synthetic.nTimes], ['epochs', 'channels', 'times'])));
writeFileSync(path.join(dir, 'freqs.npy'), toNpy(ndarray('float64', freqs, [freqs.length], ['freqs'])));
writeFileSync(path.join(dir, 'cycles.npy'), toNpy(ndarray('float64', nCycles, [nCycles.length], ['freqs'])));
await time(() => tfrMorlet(contact.data, [nEpochs, 1, synthetic.nTimes], 512, freqs, nCycles)); // warm-up
const [, oursTfr] = await time(() => tfrMorlet(contact.data, [nEpochs, 1, synthetic.nTimes], 512, freqs, nCycles));
const mneTfr = runPython<{ seconds: number }>(
  `
import sys, time, json, numpy as np
from mne.time_frequency import tfr_array_morlet
d = sys.argv[1]
x = np.load(d + '/epochs.npy'); f = np.load(d + '/freqs.npy'); c = np.load(d + '/cycles.npy')
tfr_array_morlet(x, 512.0, f, c, output='power', verbose=False)
t = time.perf_counter(); tfr_array_morlet(x, 512.0, f, c, output='power', verbose=False)
print(json.dumps({"seconds": time.perf_counter() - t}))
`,
  [dir],
);

// 2. Forest on the paper's 7,008 features, 5 stratified folds, both sides on the same folds.
const features = contactFeatures(contact, 512, params);
const y = synthetic.labels;
const nClasses = synthetic.categories.length;
const nFeatures = features.classifier.length / nEpochs;
const testFold = stratifiedKFold(y, 5, { shuffle: true, seed: 0 });
writeFileSync(path.join(dir, 'X.npy'), toNpy(ndarray('float32', features.classifier, [nEpochs, nFeatures], ['epochs', 'features'])));
writeFileSync(path.join(dir, 'y.npy'), toNpy(ndarray('int32', y, [nEpochs], ['epochs'])));
writeFileSync(path.join(dir, 'folds.npy'), toNpy(ndarray('int32', testFold, [nEpochs], ['epochs'])));

async function fitOnTwoThreads(rows: number[]) {
  const X = new Float32Array(rows.length * nFeatures);
  rows.forEach((r, i) => X.set(features.classifier.subarray(r * nFeatures, (r + 1) * nFeatures), i * nFeatures));
  const yy = Int32Array.from(rows, (r) => y[r]!);
  const options = { nEstimators: trees, seed: 0 };
  const rf = new RandomForestClassifier(options);
  const seeds = rf.treeSeeds();
  const half = Math.ceil(seeds.length / 2);
  const parts = await Promise.all(
    [seeds.subarray(0, half), seeds.subarray(half)].map((s) => runInThread('fitTrees', { X, y: yy, nClasses, options, seeds: Uint32Array.from(s) })),
  );
  return rf.merge(nFeatures, nClasses, ...parts);
}
const predictions = new Int32Array(nEpochs);
let oursFit = 0;
for (const { train, test } of foldsFromAssignment(testFold)) {
  const [rf, seconds] = await time(() => fitOnTwoThreads(Array.from(train)));
  oursFit += seconds;
  const Xt = new Float32Array(test.length * nFeatures);
  Array.from(test).forEach((r, i) => Xt.set(features.classifier.subarray(r * nFeatures, (r + 1) * nFeatures), i * nFeatures));
  rf.predict(Xt).forEach((p, i) => (predictions[test[i]!] = p));
}
const oursF1 = f1PerClass(y, predictions, nClasses);
const sk = runPython<{ seconds: number; f1: number[] }>(
  `
import sys, time, json, numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import f1_score
d, trees = sys.argv[1], int(sys.argv[2])
X = np.load(d + '/X.npy'); y = np.load(d + '/y.npy'); folds = np.load(d + '/folds.npy')
pred = np.zeros_like(y); seconds = 0.0
for k in range(folds.max() + 1):
    tr, te = folds != k, folds == k
    rf = RandomForestClassifier(n_estimators=trees, n_jobs=2, random_state=0)
    t = time.perf_counter(); rf.fit(X[tr], y[tr]); seconds += time.perf_counter() - t
    pred[te] = rf.predict(X[te])
print(json.dumps({"seconds": seconds, "f1": f1_score(y, pred, average=None, labels=list(range(${nClasses}))).tolist()}))
`,
  [dir, String(trees)],
);

const face = synthetic.categories.indexOf('face');
console.log(`Level 1 benchmark: contact RF2 (planted face effect), ${nEpochs} trials, ${freqs.length} frequencies, ${trees} trees, 5 folds`);
console.log(`Morlet power        Brainglass ${oursTfr.toFixed(2)} s   MNE tfr_array_morlet ${mneTfr.seconds.toFixed(2)} s   ratio ${(mneTfr.seconds / oursTfr).toFixed(2)}x faster`);
console.log(`Forest fit (2 cores) Brainglass ${oursFit.toFixed(2)} s   scikit-learn n_jobs=2 ${sk.seconds.toFixed(2)} s   ratio ${(sk.seconds / oursFit).toFixed(2)}x faster`);
console.log(`F1 face            Brainglass ${oursF1[face]!.toFixed(3)}   scikit-learn ${sk.f1[face]!.toFixed(3)}`);
console.log(`Peak memory        ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (this process)`);
