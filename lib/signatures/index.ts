/** Level 1: spectrotemporal signatures of perceptual categories, per contact (docs METHODS.md "Level 1"). */
export * from './params';
export * from './features';
export * from './analyze';
export * from './cluster';
export * from './summary';
export * from './export';
export * from './responsiveness';
export * from './similarity';
