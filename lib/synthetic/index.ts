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
  ContactSpec,
  EffectDirection,
  EffectSpec,
  GroundTruth,
  Hemisphere,
  IeegOptions,
  PlantedEffect,
  SyntheticEpochs,
} from './ieeg';
