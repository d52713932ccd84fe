import { describe, expect, it } from 'vitest';
import { RandomForestClassifier } from './forest';
import { forestToArrays, packForest, unpackForest } from './serialize';

describe('unpackForest from a Node Buffer', () => {
  it('reads the same arrays when the bytes are a Buffer (whose slice is a view, not a copy)', () => {
    const X = Float32Array.from({ length: 200 }, (_, i) => (i * 37) % 11);
    const y = Int32Array.from({ length: 100 }, (_, i) => i % 2);
    const forest = new RandomForestClassifier({ nEstimators: 3, seed: 1 });
    forest.fit(X, y, 2);
    const packed = packForest(forestToArrays(forest));
    // A Buffer inside a larger pool, at an odd offset: what fs.readFile and Buffer.concat may return.
    const pool = Buffer.alloc(packed.length + 13);
    pool.set(packed, 13);
    const unpacked = unpackForest(pool.subarray(13));
    expect(Array.from(unpacked.nodeOffset)).toEqual(Array.from(forestToArrays(forest).nodeOffset));
    expect(Array.from(unpacked.threshold)).toEqual(Array.from(forestToArrays(forest).threshold));
  });
});
