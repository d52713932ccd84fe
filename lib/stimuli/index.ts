/** Stimulus sets for Level 2: images, which trial showed which, and their preprocessing into model inputs. */
export * from './spec';
export * from './mapping';
export * from './set';
export * from './preprocess';
