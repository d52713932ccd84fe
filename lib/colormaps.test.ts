import { describe, expect, it } from 'vitest';
import { colorAt, limitsOf } from './colormaps';

describe('colour maps', () => {
  it('viridis runs from dark purple to yellow; the diverging map is white at its centre', () => {
    expect(colorAt('viridis', 0)).toEqual([68, 1, 84]);
    expect(colorAt('viridis', 1)).toEqual([253, 231, 37]);
    expect(colorAt('rdbu', 0.5)).toEqual([247, 247, 247]);
    expect(colorAt('rdbu', -3)).toEqual([5, 48, 97]);
  });

  it('limits are symmetric for signed maps and ignore non-finite values', () => {
    expect(limitsOf([-1, 0.5, NaN], true)).toEqual([-1, 1]);
    expect(limitsOf([2, 5, Infinity], false)).toEqual([2, 5]);
    expect(limitsOf([3, 3], false)).toEqual([3, 4]);
  });
});
