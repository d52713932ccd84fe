/** Statistics matching SciPy / MNE-Python: Wilcoxon signed-rank, Benjamini-Hochberg FDR, normal distribution. */
export * from './normal';
export * from './wilcoxon';
export * from './fdr';
