/** Brain atlases (NIfTI label volumes and their names) and EEG montages. */
export * from './nifti';
export * from './labels';
export * from './montage';
