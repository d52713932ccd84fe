/**
 * Surface meshes and surface parcellations: MZ3 (Surf Ice / niivue), GIfTI, FreeSurfer .annot; values on them:
 * electrode values projected onto the cortex, scalp topomaps, and the spatial grid both use.
 */
export * from './types';
export * from './bytes';
export * from './mz3';
export * from './gifti';
export * from './annot';
export * from './grid';
export * from './projection';
export * from './topomap';
