/** Spectral analysis: FFT helpers, Morlet time-frequency power (MNE-compatible), binning and baselines. */
export * from './fft';
export * from './morlet';
export * from './baseline';
