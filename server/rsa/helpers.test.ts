import { describe, expect, it } from 'vitest';
import { classicalMds } from './mds';
import { stimulusOrder } from './stimuli';

describe('classical MDS', () => {
  it('recovers points in the plane up to rotation: their distances come back', () => {
    const points = [[0, 0], [3, 0], [0, 4], [3, 4], [1, 2]];
    const n = points.length;
    const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);
    const square = points.flatMap((a) => points.map((b) => dist(a, b)));
    const xy = classicalMds(square, n);
    const back = (i: number) => [xy[2 * i]!, xy[2 * i + 1]!];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(dist(back(i), back(j))).toBeCloseTo(square[i * n + j]!, 6);
  });
});

describe('stimulus order', () => {
  it('orders the shown images by category, then first showing, and renumbers each epoch', () => {
    // Images 0..3; epochs show 2, 0, 3, 2 (image 1 is never shown); labels per epoch: 1, 0, 0, 1.
    const order = stimulusOrder(Int32Array.from([2, 0, 3, 2]), Int32Array.from([1, 0, 0, 1]), 4);
    expect(order.images).toEqual([0, 3, 2]);
    expect(Array.from(order.category)).toEqual([0, 0, 1]);
    expect(Array.from(order.stimulusOf)).toEqual([2, 0, 1, 2]);
  });
});
