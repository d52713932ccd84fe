/** Surface meshes and surface parcellations: MZ3 (Surf Ice / niivue), GIfTI, FreeSurfer .annot. */
export * from './types';
export * from './bytes';
export * from './mz3';
export * from './gifti';
export * from './annot';
