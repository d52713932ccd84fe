import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dendrogramLayout,
  fcluster,
  leavesList,
  linkage,
  linkageOfRows,
  numObsLinkage,
  pdist,
  type DistanceMetric,
  type LinkageMethod,
} from './hierarchical';

interface Case {
  name: string;
  X: number[][];
  method: LinkageMethod;
  metric: DistanceMetric;
  pdist: number[];
  Z: number[][];
  maxclust: Record<string, number[]>;
  leaves: number[];
  icoord: number[][];
  dcoord: number[][];
}

const ref = JSON.parse(readFileSync(new URL('./fixtures/scipy_linkage.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

describe('against SciPy (fixtures/make_fixtures.py)', () => {
  for (const c of ref.cases) {
    describe(c.name, () => {
      const n = c.X.length;
      const X = Float64Array.from(c.X.flat());
      const Z = linkageOfRows(X, n, c.method, c.metric);

      it('pdist', () => {
        const y = pdist(X, n, c.metric);
        expect(y.length).toBe(c.pdist.length);
        c.pdist.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 12));
      });

      it('linkage matrix', () => {
        expect(numObsLinkage(Z)).toBe(n);
        c.Z.forEach((row, i) => {
          expect(Z[4 * i]).toBe(row[0]);
          expect(Z[4 * i + 1]).toBe(row[1]);
          expect(Z[4 * i + 2]).toBeCloseTo(row[2], 10);
          expect(Z[4 * i + 3]).toBe(row[3]);
        });
      });

      it('fcluster maxclust labels and leaves_list', () => {
        for (const [k, labels] of Object.entries(c.maxclust)) {
          expect(Array.from(fcluster(Z, Number(k), 'maxclust')), `k=${k}`).toEqual(labels);
        }
        expect(Array.from(leavesList(Z))).toEqual(c.leaves);
      });

      it('dendrogram coordinates (as a set of links)', () => {
        const key = (x: readonly number[], y: readonly number[]): string =>
          [...x.map((v) => v.toFixed(6)), ...y.map((v) => v.toFixed(6))].join(',');
        const mine = dendrogramLayout(Z).links.map((l) => key(l.x, l.y)).sort();
        const theirs = c.icoord.map((x, i) => key(x, c.dcoord[i])).sort();
        expect(mine).toEqual(theirs);
      });
    });
  }
});

describe('hand cases', () => {
  it('four points on a line, single/complete/average/ward', () => {
    // 0, 1, 3, 7 on a line.
    const X = [0, 1, 3, 7];
    const rows = (m: LinkageMethod): number[][] => {
      const Z = linkageOfRows(X, 4, m);
      return [0, 1, 2].map((i) => Array.from(Z.subarray(4 * i, 4 * i + 4)));
    };
    expect(rows('single')).toEqual([
      [0, 1, 1, 2],
      [2, 4, 2, 3],
      [3, 5, 4, 4],
    ]);
    expect(rows('complete')).toEqual([
      [0, 1, 1, 2],
      [2, 4, 3, 3],
      [3, 5, 7, 4],
    ]);
    expect(rows('average')).toEqual([
      [0, 1, 1, 2],
      [2, 4, 2.5, 3],
      [3, 5, (7 + 6 + 4) / 3, 4],
    ]);
    // Ward height = sqrt(2 |A||B| / (|A|+|B|)) * distance of centroids.
    const w = rows('ward');
    expect(w[1][2]).toBeCloseTo(Math.sqrt((2 * 2 * 1) / 3) * 2.5, 12);
    expect(w[2][2]).toBeCloseTo(Math.sqrt((2 * 3 * 1) / 4) * (7 - 4 / 3), 12);
  });

  it('cosine distance ignores scale; empty rows sit at distance 1', () => {
    const y = pdist([1, 0, 2, 0, 0, 1, 0, 0], 4, 'cosine');
    // pairs: (0,1) (0,2) (0,3) (1,2) (1,3) (2,3)
    expect(Array.from(y)).toEqual([0, 1, 1, 1, 1, 1]);
    expect(Array.from(pdist([0, 0, 0, 0], 2, 'cosine'))).toEqual([0]);
  });

  it('maxclust: t >= n gives singletons, t = n - 1 splits off all but one pair; two points', () => {
    const Z = linkageOfRows([0, 1, 3, 7], 4, 'ward');
    expect(Array.from(fcluster(Z, 9))).toEqual(Array.from(fcluster(Z, 4)));
    expect(new Set(fcluster(Z, 4)).size).toBe(4);
    expect(new Set(fcluster(Z, 3)).size).toBe(3);
    const z2 = linkage([2], 'complete');
    expect(Array.from(z2)).toEqual([0, 1, 2, 2]);
    expect(Array.from(fcluster(z2, 1))).toEqual([1, 1]);
    expect(Array.from(fcluster(z2, 2))).toEqual([1, 2]);
    expect(Array.from(leavesList(z2))).toEqual([0, 1]);
  });

  it('identical points merge at height 0 and cut into one cluster', () => {
    const Z = linkageOfRows(new Float64Array(8), 4, 'ward');
    expect(Array.from({ length: 3 }, (_, i) => Z[4 * i + 2])).toEqual([0, 0, 0]);
    expect(Array.from(fcluster(Z, 2))).toEqual([1, 1, 1, 1]);
  });

  it('rejects bad input', () => {
    expect(() => linkage([1, 2], 'ward')).toThrow(RangeError);
    expect(() => linkage([Number.NaN], 'ward')).toThrow(RangeError);
    expect(() => fcluster(linkage([1], 'ward'), 0)).toThrow(RangeError);
  });
});
