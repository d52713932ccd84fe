import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { RandomForestClassifier } from '../ml/forest/forest';
import { plantedDataset } from '../ml/forest/planted';
import { forestToArrays } from '../ml/forest/serialize';
import { decodeModel, encodeModel } from './model';
import { forestToOnnx } from './tree-ensemble';

async function runForest(bytes: Uint8Array, X: Float32Array, nFeatures: number): Promise<{ label: BigInt64Array; proba: Float32Array }> {
  const session = await InferenceSession.create(bytes);
  const n = X.length / nFeatures;
  const out = await session.run({ input: new Tensor('float32', X, [n, nFeatures]) });
  expect(out.label.dims).toEqual([n]);
  expect(out.probabilities.dims).toEqual([n, out.probabilities.dims[1]]);
  return { label: out.label.data as BigInt64Array, proba: out.probabilities.data as Float32Array };
}

function split(X: Float32Array, y: Int32Array, nFeatures: number, nTrain: number) {
  return {
    Xtr: X.slice(0, nTrain * nFeatures),
    ytr: y.slice(0, nTrain),
    Xte: X.slice(nTrain * nFeatures),
    yte: y.slice(nTrain),
  };
}

describe('forestToOnnx', () => {
  it.each([
    { nClasses: 3, nTrees: 40, maxDepth: null },
    { nClasses: 2, nTrees: 15, maxDepth: 3 },
  ])('matches predict / predictProba in onnxruntime ($nClasses classes, depth $maxDepth)', async ({ nClasses, nTrees, maxDepth }) => {
    const nFeatures = 12;
    const data = plantedDataset({ nSamples: 600, nFeatures, nClasses, nInformative: 2, shift: 1.2, seed: 7 + nClasses });
    const { Xtr, ytr, Xte } = split(data.X, data.y, nFeatures, 300);
    const rf = new RandomForestClassifier({ nEstimators: nTrees, seed: 3, maxDepth }).fit(Xtr, ytr, nClasses);
    const bytes = forestToOnnx(forestToArrays(rf));

    const { label, proba } = await runForest(bytes, Xte, nFeatures);
    const wantProba = rf.predictProba(Xte);
    const wantLabel = rf.predict(Xte);
    expect(proba.length).toBe(wantProba.length);
    let maxErr = 0;
    for (let i = 0; i < proba.length; i++) maxErr = Math.max(maxErr, Math.abs(proba[i] - wantProba[i]));
    expect(maxErr).toBeLessThan(1e-6);
    expect(Array.from(label, Number)).toEqual(Array.from(wantLabel));
    // Also a sanity check that the problem was learnt (the comparison above is not vacuous).
    const distinct = new Set(Array.from(wantLabel));
    expect(distinct.size).toBe(nClasses);
  });

  it('survives a decode -> encode round trip of the exported bytes', async () => {
    const nFeatures = 6;
    const data = plantedDataset({ nSamples: 200, nFeatures, nClasses: 3, nInformative: 1, shift: 1.5, seed: 11 });
    const rf = new RandomForestClassifier({ nEstimators: 10, seed: 1 }).fit(data.X, data.y, 3);
    const bytes = forestToOnnx(forestToArrays(rf), { classLabels: [10, 20, 30] });
    const again = encodeModel(decodeModel(bytes));
    expect(again).toEqual(bytes);
    const { label } = await runForest(again, data.X, nFeatures);
    const want = rf.predict(data.X);
    expect(Array.from(label, Number)).toEqual(Array.from(want, (k) => [10, 20, 30][k]));
  });
});
