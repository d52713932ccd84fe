import { describe, expect, it } from 'vitest';
import { findEvents } from './events';

describe('findEvents (mne.find_events, consecutive="increasing")', () => {
  it('rising steps are events; a fall to a smaller non-zero value is not', () => {
    expect(findEvents([0, 5, 5, 0, 3, 7, 7, 2, 0, 0])).toEqual([
      [1, 0, 5],
      [4, 0, 3],
      [5, 3, 7],
    ]);
  });

  it('an event still high at the end counts; a non-zero first sample does not unless asked', () => {
    expect(findEvents([4, 4, 0, 0, 9])).toEqual([[4, 0, 9]]);
    expect(findEvents([4, 4, 0, 0, 9], { initialEvent: true })).toEqual([
      [0, 0, 4],
      [4, 0, 9],
    ]);
  });

  it('masks bits before looking for steps (BioSemi flags above bit 16)', () => {
    const flags = 0xf00000 | (1 << 16);
    expect(findEvents([flags, flags | 2, flags | 2, 1 << 16, 0])).toEqual([[1, 0, 2]]);
    expect(findEvents([0, 1 << 16, 0], { mask: 0x1ffff })).toEqual([[1, 0, 65536]]);
  });

  it('negative values count by magnitude, as MNE takes abs', () => {
    expect(findEvents([0, -3, 0])).toEqual([[1, 0, 3]]);
  });

  it('flat or empty channels have no events', () => {
    expect(findEvents([])).toEqual([]);
    expect(findEvents(new Float64Array(10))).toEqual([]);
  });
});
