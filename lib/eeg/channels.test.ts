import { describe, expect, it } from 'vitest';
import { pickEegChannels } from './channels';

describe('pickEegChannels', () => {
  it('keeps the EEG channels when any are marked, else every channel', () => {
    const chs = [
      { name: 'C3', type: 'eeg' },
      { name: 'STI', type: 'stim' },
      { name: 'C4', type: 'eeg' },
    ];
    expect(pickEegChannels(chs).map((c) => c.name)).toEqual(['C3', 'C4']);
    expect(pickEegChannels([{ name: 'x', type: 'misc' }]).map((c) => c.name)).toEqual(['x']);
  });
});
