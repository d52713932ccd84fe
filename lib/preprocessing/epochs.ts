/** Cutting continuous data into epochs around events, as mne.Epochs does (sample-exact, no resampling). */

/** An event row: [sample, code], or MNE's [sample, previous value, code]; the code is the last entry. */
export type EventRow = readonly [number, number] | readonly [number, number, number];

/** Baseline interval in seconds; null ends mean the start / end of the epoch (MNE's `baseline`). */
export type Baseline = readonly [number | null, number | null];

export interface EpochsOptions {
  /** Subtract each channel's mean over this interval from every epoch (MNE's 'mean' rescale). Default none. */
  baseline?: Baseline | null;
  /** Keep only events with these codes (MNE's event_id values). */
  eventCodes?: readonly number[];
  /**
   * Include the sample at tmax, as MNE does (default true). The paper's -0.5..1 s at 512 Hz is 768 samples, which
   * needs includeTmax false (769 with MNE's rule).
   */
  includeTmax?: boolean;
  /** Channels in a flat channel-major array; needed only when `raw` is flat. */
  nChannels?: number;
}

export interface EpochsResult {
  sfreq: number;
  /** Time of the first sample relative to the event, seconds (tmin rounded to the sample grid). */
  tmin: number;
  nEpochs: number;
  nChannels: number;
  nTimes: number;
  /** epochs x channels x times, C order (MNE's Epochs.get_data()). */
  data: Float64Array;
  /** The events kept, as [sample, code]. */
  events: [number, number][];
  /** Indices of input events dropped because the window runs past the data (MNE's 'NO_DATA'). */
  dropped: number[];
}

/**
 * Epochs from continuous data. `raw` is a list of channels (what the recording readers return) or one flat
 * channels x times array with options.nChannels. Event samples index the data (first sample = 0).
 */
export function epochs(
  raw: readonly ArrayLike<number>[] | ArrayLike<number>,
  sfreq: number,
  events: readonly EventRow[],
  tmin: number,
  tmax: number,
  options: EpochsOptions = {},
): EpochsResult {
  if (!(sfreq > 0)) throw new RangeError(`sfreq must be positive, got ${sfreq}`);
  if (!(tmax >= tmin)) throw new RangeError(`tmax (${tmax}) must not precede tmin (${tmin})`);
  let channel: (c: number, i: number) => number;
  let nChannels: number;
  let nSamples: number;
  if (isChannelList(raw)) {
    nChannels = raw.length;
    nSamples = nChannels > 0 ? raw[0].length : 0;
    if (raw.some((ch) => ch.length !== nSamples)) throw new RangeError('channels differ in length');
    channel = (c, i) => raw[c][i];
  } else {
    nChannels = options.nChannels ?? 1;
    if (raw.length % nChannels !== 0) throw new RangeError(`${raw.length} values are not whole rows for ${nChannels} channels`);
    nSamples = raw.length / nChannels;
    const flat = raw;
    channel = (c, i) => flat[c * nSamples + i];
  }

  const start = Math.round(tmin * sfreq);
  const stop = Math.round(tmax * sfreq) + (options.includeTmax === false ? 0 : 1);
  const nTimes = stop - start;
  if (nTimes <= 0) throw new RangeError(`the window ${tmin}..${tmax} s holds no samples at ${sfreq} Hz`);

  let b0 = 0;
  let b1 = nTimes;
  if (options.baseline) {
    const [bmin, bmax] = options.baseline;
    b0 = bmin === null ? 0 : Math.max(0, Math.round(bmin * sfreq) - start);
    b1 = bmax === null ? nTimes : Math.min(nTimes, Math.round(bmax * sfreq) - start + 1);
    if (b1 <= b0) throw new RangeError(`baseline ${bmin}..${bmax} s lies outside the epoch ${tmin}..${tmax} s`);
  }

  const codes = options.eventCodes ? new Set(options.eventCodes) : null;
  const kept: [number, number][] = [];
  const dropped: number[] = [];
  events.forEach((ev, i) => {
    const code = ev[ev.length - 1];
    if (codes && !codes.has(code)) return;
    const s = ev[0];
    if (s + start < 0 || s + stop > nSamples) dropped.push(i);
    else kept.push([s, code]);
  });

  const data = new Float64Array(kept.length * nChannels * nTimes);
  kept.forEach(([s], e) => {
    for (let c = 0; c < nChannels; c++) {
      const off = (e * nChannels + c) * nTimes;
      for (let t = 0; t < nTimes; t++) data[off + t] = channel(c, s + start + t);
      if (options.baseline) {
        let mean = 0;
        for (let t = b0; t < b1; t++) mean += data[off + t];
        mean /= b1 - b0;
        for (let t = 0; t < nTimes; t++) data[off + t] -= mean;
      }
    }
  });
  return { sfreq, tmin: start / sfreq, nEpochs: kept.length, nChannels, nTimes, data, events: kept, dropped };
}

function isChannelList(raw: readonly ArrayLike<number>[] | ArrayLike<number>): raw is readonly ArrayLike<number>[] {
  return Array.isArray(raw) && raw.length > 0 && typeof raw[0] !== 'number';
}
