/**
 * The channels a state-space map reads: the EEG channels of a recording when it marks any (stimulus, EOG and
 * other channels would only add noise to the map), otherwise all of them.
 */
export function pickEegChannels<T extends { type: string }>(channels: readonly T[]): T[] {
  return channels.some((c) => c.type === 'eeg') ? channels.filter((c) => c.type === 'eeg') : [...channels];
}
