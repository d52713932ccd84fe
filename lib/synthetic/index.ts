/** Seeded synthetic recordings with planted ground truth (docs/METHODS.md, "Synthetic data"). */
export { Rng, createRng, deriveSeed } from './random';
export {
  DEFAULT_IEEG_CATEGORIES,
  DEFAULT_IEEG_EFFECTS,
  IEEG_GENERATOR,
  IEEG_GENERATOR_VERSION,
  defaultIeegContacts,
  generateIeegEpochs,
} from './ieeg';
export type {
  BandModulation,
  ContactSpec,
  EffectDirection,
  EffectSpec,
  GroundTruth,
  Hemisphere,
  IeegOptions,
  PlantedEffect,
  SyntheticEpochs,
} from './ieeg';
export {
  DEFAULT_STIMULUS_CATEGORIES,
  VISUAL_GENERATOR,
  VISUAL_CONTROL_NETWORKS,
  VISUAL_GENERATOR_VERSION,
  generateHierarchyEpochs,
  generateStimuli,
  layerDrive,
  visualControlSeeds,
} from './visual';
export type {
  HierarchyEpochOptions,
  HierarchyEpochs,
  HierarchyGroundTruth,
  LayerProjection,
  LayerRepresentation,
  StimulusOptions,
  StimulusSet,
} from './visual';
export {
  DEFAULT_EEG_CHANNELS,
  DEFAULT_EEG_CLASSES,
  EEG_GENERATOR,
  EEG_GENERATOR_VERSION,
  generateEeg,
} from './eeg';
export type { EegClassEffect, EegClassSpec, EegGroundTruth, PlantedEegEffect, SyntheticEegOptions, SyntheticRaw } from './eeg';
