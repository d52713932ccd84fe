/** Level 1 preprocessing: detrending, zero-phase IIR filters, bipolar reference, epochs, trial rejection. */
export * from './iir';
export * from './detrend';
export * from './filter';
export * from './bipolar';
export * from './epochs';
export * from './reject';
