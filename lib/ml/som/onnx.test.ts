import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../onnx/model';
import { plantedDataset } from '../forest/planted';
import { somToOnnx } from './onnx';
import { SelfOrganizingMap } from './som';

describe('somToOnnx', () => {
  it.each(['hexagonal', 'rectangular'] as const)('computes the TypeScript positions in onnxruntime (%s grid)', async (topology) => {
    const nFeatures = 12;
    const n = 400;
    // Raw features far from z-scored (log10 powers of microvolt signals), so the graph's standardisation counts.
    const { X: planted, y } = plantedDataset({ nSamples: n, nFeatures, nClasses: 3, nInformative: 3, shift: 1.5, seed: 21 });
    const X = Float32Array.from(planted, (v, i) => -11 + 0.3 * v + 0.01 * (i % nFeatures));
    const map = SelfOrganizingMap.fit({ X, nFeatures, y }, ['left', 'right', 'rest'], { rows: 7, cols: 9, topology, epochs: 4 });
    const bytes = somToOnnx(map);
    const ops = new Set(decodeModel(bytes).graph?.node.map((node) => node.opType));
    expect([...ops].sort()).toEqual(['Add', 'ArgMin', 'Clip', 'Gather', 'MatMul', 'Mul', 'ReduceSum', 'Sub', 'Unsqueeze']);

    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ features: new ort.Tensor('float32', X, [n, nFeatures]) });
    const position = out.position.data as Float32Array;
    const bmu = out.bmu.data as BigInt64Array;
    const posterior = out.posterior.data as Float32Array;
    expect(out.position.dims).toEqual([n, 2]);

    const want = map.project(X);
    const post = map.posteriors();
    let maxErr = 0;
    let bmuMismatch = 0;
    for (let i = 0; i < n; i++) {
      if (Number(bmu[i]) !== want.bmus[i]) bmuMismatch++;
      maxErr = Math.max(maxErr, Math.abs(position[2 * i] - want.positions[2 * i]), Math.abs(position[2 * i + 1] - want.positions[2 * i + 1]));
      for (let c = 0; c < 3; c++) expect(posterior[3 * i + c]).toBeCloseTo(post[3 * want.bmus[i] + c], 6);
    }
    expect(bmuMismatch).toBe(0);
    expect(maxErr).toBeLessThan(1e-4);
  });
});
