/** Scalp EEG for the Level 3 mental state map: sliding-window band power features (batch and streaming), device frames. */
export * from './channels';
export * from './features';
export * from './frames';
