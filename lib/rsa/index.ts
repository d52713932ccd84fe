/**
 * Representational similarity analysis: RDMs, Spearman RSA scores (standard and the paper's), permutation tests,
 * the Level 2 band/window brain responses and the area x layer hierarchy.
 */
export * from './rdm';
export * from './spearman';
export * from './permutation';
export * from './prng';
export * from './brain-features';
export * from './hierarchy';
