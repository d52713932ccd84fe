import { describe, expect, it } from 'vitest';
import { colorAt, colorTable, limitsOf } from './colormaps';

describe('colour maps', () => {
  it('viridis runs from dark purple to yellow; the diverging map is white at its centre', () => {
    expect(colorAt('viridis', 0)).toEqual([68, 1, 84]);
    expect(colorAt('viridis', 1)).toEqual([253, 231, 37]);
    expect(colorAt('rdbu', 0.5)).toEqual([247, 247, 247]);
    expect(colorAt('rdbu', -3)).toEqual([5, 48, 97]);
  });

  it('a lookup table samples the map evenly, ends included', () => {
    const table = colorTable('viridis', 11);
    expect(table.length).toBe(33);
    expect([...table.subarray(0, 3)]).toEqual([68, 1, 84]);
    expect([...table.subarray(15, 18)]).toEqual(colorAt('viridis', 0.5));
    expect([...table.subarray(30)]).toEqual([253, 231, 37]);
  });

  it('limits are symmetric for signed maps and ignore non-finite values', () => {
    expect(limitsOf([-1, 0.5, NaN], true)).toEqual([-1, 1]);
    expect(limitsOf([2, 5, Infinity], false)).toEqual([2, 5]);
    expect(limitsOf([3, 3], false)).toEqual([3, 4]);
  });
});
