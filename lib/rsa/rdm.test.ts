import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  absDiffRdm,
  condense,
  condensedIndex,
  condensedLength,
  correlationRdm,
  euclideanRdm,
  minMaxScale,
  squareForm,
  stimuliFromCondensed,
} from './rdm';

interface RdmCase {
  name: string;
  n: number;
  d: number;
  x: number[];
  responses: number[];
  euclidean: number[];
  correlation: number[];
  absdiff: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/rsa_scipy.json', import.meta.url), 'utf8')) as {
  scipy: string;
  rdms: RdmCase[];
};

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(tol);
}

describe('RDMs on hand-computed examples', () => {
  it('Euclidean distances of 3-4-5 points', () => {
    const x = Float32Array.from([0, 0, 3, 4, 6, 8]);
    expect(Array.from(euclideanRdm(x, 3, 2))).toEqual([5, 10, 5]);
  });

  it('correlation distance 1 - r: 2 for anti-correlated rows, 0 for scaled copies', () => {
    const x = Float32Array.from([1, 2, 3, 3, 2, 1, 2, 4, 6]);
    expectClose(correlationRdm(x, 3, 3), [2, 0, 2], 1e-15);
  });

  it('absolute difference of scalars', () => {
    expect(Array.from(absDiffRdm([1, 4, 2]))).toEqual([3, 1, 2]);
  });

  it('condensed layout, square form and back', () => {
    expect(condensedLength(250)).toBe(31125);
    expect(stimuliFromCondensed(31125)).toBe(250);
    expect(() => stimuliFromCondensed(4)).toThrow(RangeError);
    expect(condensedIndex(0, 1, 4)).toBe(0);
    expect(condensedIndex(2, 1, 4)).toBe(3);
    expect(condensedIndex(2, 3, 4)).toBe(5);
    const full = squareForm([3, 1, 2]);
    expect(Array.from(full)).toEqual([0, 3, 1, 3, 0, 2, 1, 2, 0]);
    expect(Array.from(condense(full, 3))).toEqual([3, 1, 2]);
  });

  it('min-max scaling; NaN for constant input', () => {
    expect(Array.from(minMaxScale([2, 4, 6]))).toEqual([0, 0.5, 1]);
    expect(Number.isNaN(minMaxScale([1, 1])[0])).toBe(true);
  });

  it('rejects mis-shaped activations', () => {
    expect(() => euclideanRdm(new Float32Array(5), 2, 3)).toThrow(RangeError);
    expect(() => absDiffRdm([1])).toThrow(RangeError);
  });
});

describe(`RDMs against scipy.spatial.distance.pdist (SciPy ${fixture.scipy})`, () => {
  it.each(fixture.rdms.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const x = Float32Array.from(c.x);
    // Fixture inputs are float32-representable, so the Float32Array holds exactly what SciPy saw.
    expect(Array.from(x)).toEqual(c.x);
    expectClose(euclideanRdm(x, c.n, c.d), c.euclidean, 1e-10);
    expectClose(correlationRdm(x, c.n, c.d), c.correlation, 1e-10);
    expectClose(absDiffRdm(c.responses), c.absdiff, 1e-10);
  });
});
