/** Representational similarity analysis: RDMs, Spearman RSA scores (standard and the paper's), permutation tests. */
export * from './rdm';
export * from './spearman';
export * from './permutation';
export * from './prng';
