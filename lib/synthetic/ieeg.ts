/**
 * Seeded intracranial (sEEG) epochs with planted ground truth, for demos, tests and benchmarks of the Level 1
 * analysis (docs/METHODS.md, "Synthetic data with planted ground truth").
 *
 * Each contact's background is a Gaussian process drawn in the frequency domain: a 1/f^beta spectrum with a knee,
 * an alpha peak near 10 Hz and a white floor, with random amplitudes and phases per trial. Visual-area contacts
 * respond to every image: an evoked potential and a broadband gamma increase, both category-unspecific. A planted
 * effect scales the contact's own activity inside one frequency band and time window by sqrt(powerRatio) on the
 * trials of one category, so the band power there is powerRatio times what it would have been; activity outside
 * the band (beyond a few hertz of spread from the window's 50 ms ramps) and outside the window is left as it was.
 */
import FFT from 'fft.js';
import { Rng } from './random';

export const IEEG_GENERATOR = 'brainglass/synthetic-ieeg';
/** Bump when the same options and seed would produce different numbers. */
export const IEEG_GENERATOR_VERSION = 1;

export type Hemisphere = 'L' | 'R';
export type EffectDirection = 'increase' | 'decrease';

/** One recording contact: name (shaft + index), atlas region, hemisphere and MNI position in mm. */
export interface ContactSpec {
  name: string;
  /** 'BA17', 'BA18', 'BA19', 'BA37', 'BA20' or 'other' in the default layout; any label is accepted. */
  region: string;
  hemisphere: Hemisphere;
  position: readonly [number, number, number];
}

/** A category-specific band-power change to plant. */
export interface EffectSpec {
  category: string;
  /** Contacts that carry it, by name. When absent, `count` contacts are drawn from `region` (and `hemisphere`). */
  contacts?: readonly string[];
  region?: string;
  hemisphere?: Hemisphere;
  /** How many contacts to draw from `region` (default 1). */
  count?: number;
  fminHz: number;
  fmaxHz: number;
  /** Window in seconds from stimulus onset. */
  tminS: number;
  tmaxS: number;
  /** Band power in the window relative to no effect: > 1 an increase, < 1 a decrease. Median over trials. */
  powerRatio: number;
  /** Share of the category's trials that carry the effect (default 0.9). */
  hitRate?: number;
  /** SD of log(powerRatio) from trial to trial (default 0.25). */
  ratioJitter?: number;
  /** SD of the window's onset shift from trial to trial, seconds (default 0.02). */
  latencyJitterS?: number;
}

/** A planted effect as it was placed: the answer an analysis should find. */
export interface PlantedEffect {
  contact: string;
  contactIndex: number;
  category: string;
  categoryIndex: number;
  fminHz: number;
  fmaxHz: number;
  tminS: number;
  tmaxS: number;
  direction: EffectDirection;
  powerRatio: number;
  hitRate: number;
  ratioJitter: number;
  latencyJitterS: number;
}

export interface GroundTruth {
  generator: string;
  version: number;
  seed: number;
  effects: PlantedEffect[];
  /** For every category, the contacts (names, in channel order) that carry an effect of that category. */
  predictiveContacts: Record<string, string[]>;
  /** Contacts with a category-unspecific evoked response: responsive, but not predictive. */
  evokedContacts: string[];
}

/** Epochs in MNE's layout: data[epoch][channel][time], C order, volts. */
export interface SyntheticEpochs {
  sfreq: number;
  /** Time of the first sample relative to stimulus onset, seconds. */
  tmin: number;
  nTimes: number;
  chNames: string[];
  chTypes: 'seeg'[];
  /** MNI coordinates in mm, x y z per channel. */
  positions: Float32Array;
  coordFrame: 'mni_tal';
  regions: string[];
  hemispheres: Hemisphere[];
  categories: string[];
  /** Category index of each epoch. */
  labels: Int32Array;
  data: Float32Array;
  groundTruth: GroundTruth;
}

export interface IeegOptions {
  seed?: number;
  sfreq?: number;
  tmin?: number;
  /** End of the epoch, exclusive: nTimes = round((tmax - tmin) * sfreq). */
  tmax?: number;
  categories?: readonly string[];
  trialsPerCategory?: number;
  /**
   * Category index of each epoch in presentation order (e.g. one epoch per stimulus image). Replaces
   * trialsPerCategory and the shuffled order.
   */
  labels?: ArrayLike<number>;
  contacts?: readonly ContactSpec[];
  /** Planted effects; [] plants none. Default: {@link DEFAULT_IEEG_EFFECTS}. */
  effects?: readonly EffectSpec[];
  /** Trial-by-trial band-power changes given epoch by epoch (e.g. driven by each stimulus). Default none. */
  modulations?: readonly BandModulation[];
  /** Add a category-unspecific response to every image in visual areas: an evoked potential and broadband gamma (default true). */
  evoked?: boolean;
}

/**
 * A band-power change of one contact whose size is given for every epoch: activity inside the band and window
 * is scaled by sqrt(powerRatios[epoch]), with the 50 ms ramps of planted effects and no latency jitter.
 */
export interface BandModulation {
  contact: string;
  fminHz: number;
  fmaxHz: number;
  /** Window in seconds from stimulus onset. */
  tminS: number;
  tmaxS: number;
  /** Band power in the window relative to none, per epoch (> 0; 1 leaves the epoch as it was). */
  powerRatios: ArrayLike<number>;
}

export const DEFAULT_IEEG_CATEGORIES: readonly string[] = [
  'house',
  'face',
  'animal',
  'scene',
  'tool',
  'pseudoword',
  'characters',
  'scrambled',
];

/** The planted answers of the default data set (Kuzovkin et al. 2020 report effects of these kinds). */
export const DEFAULT_IEEG_EFFECTS: readonly EffectSpec[] = [
  // Face-selective broadband gamma in the fusiform gyrus.
  { category: 'face', region: 'BA37', count: 3, fminHz: 70, fmaxHz: 150, tminS: 0.1, tmaxS: 0.35, powerRatio: 4 },
  // House-selective theta/alpha suppression in lateral occipital cortex.
  { category: 'house', region: 'BA19', count: 3, fminHz: 4, fmaxHz: 12, tminS: 0.2, tmaxS: 0.5, powerRatio: 0.05 },
  // Tools engage left premotor cortex: beta desynchronisation.
  {
    category: 'tool',
    region: 'other',
    hemisphere: 'L',
    count: 1,
    fminHz: 15,
    fmaxHz: 30,
    tminS: 0.2,
    tmaxS: 0.6,
    powerRatio: 0.1,
  },
];

const DEFAULTS = {
  seed: 1,
  sfreq: 512,
  tmin: -0.5,
  tmax: 1.0,
  trialsPerCategory: 30,
  evoked: true,
};

// Independent random streams, so that e.g. removing the effects leaves the background sample for sample the same.
const STREAM_POSITIONS = 1;
const STREAM_EFFECT_PLACEMENT = 2;
const STREAM_CONTACT_PARAMS = 3;
const STREAM_ORDER = 4;
const STREAM_BACKGROUND = 5;
const STREAM_EFFECT_TRIALS = 6;
const STREAM_EVOKED = 7;
const STREAM_VISUAL = 8;

const SHAFT_SPACING_MM = 3.5;

interface ShaftTemplate {
  /** Letter after the hemisphere in the contact name. */
  id: string;
  region: string;
  /** Approximate MNI centroid of the area in the right hemisphere (x mirrored for the left). */
  centroid: readonly [number, number, number];
  nContacts: number;
  hemispheres: readonly Hemisphere[];
}

// Approximate MNI centroids of the parts of each area that depth electrodes commonly sample.
const DEFAULT_SHAFTS: readonly ShaftTemplate[] = [
  { id: 'C', region: 'BA17', centroid: [10, -88, 4], nContacts: 4, hemispheres: ['L', 'R'] }, // calcarine
  { id: 'G', region: 'BA18', centroid: [18, -84, -6], nContacts: 4, hemispheres: ['L', 'R'] }, // lingual gyrus
  { id: 'O', region: 'BA19', centroid: [40, -78, 2], nContacts: 5, hemispheres: ['L', 'R'] }, // lateral occipital
  { id: 'F', region: 'BA37', centroid: [40, -55, -16], nContacts: 5, hemispheres: ['L', 'R'] }, // fusiform
  { id: 'T', region: 'BA20', centroid: [50, -25, -26], nContacts: 3, hemispheres: ['L', 'R'] }, // inferior temporal
  { id: 'M', region: 'other', centroid: [36, -2, 52], nContacts: 3, hemispheres: ['L'] }, // premotor, BA6
  { id: 'D', region: 'other', centroid: [38, 32, 34], nContacts: 3, hemispheres: ['R'] }, // dorsolateral prefrontal, BA9
];

/**
 * The default montage: 48 contacts on 12 shafts over BA 17, 18, 19, 37, 20 and frontal cortex, named shaft + index
 * ('LC1', 'RF3'), index 1 deepest (most medial), 3.5 mm apart, positions jittered by a few mm per seed.
 */
export function defaultIeegContacts(seed: number = DEFAULTS.seed): ContactSpec[] {
  const rng = new Rng(seed, STREAM_POSITIONS);
  const contacts: ContactSpec[] = [];
  for (const hemisphere of ['L', 'R'] as const) {
    const side = hemisphere === 'L' ? -1 : 1;
    for (const shaft of DEFAULT_SHAFTS) {
      if (!shaft.hemispheres.includes(hemisphere)) continue;
      const [cx, cy, cz] = shaft.centroid;
      const ox = rng.gaussian(0, 2);
      const oy = rng.gaussian(0, 2);
      const oz = rng.gaussian(0, 2);
      const span = (shaft.nContacts - 1) * SHAFT_SPACING_MM;
      for (let i = 0; i < shaft.nContacts; i++) {
        // Lateral insertion: the shaft runs along x, its tip (contact 1) medial, never across the midline.
        const lateral = cx - span / 2 + i * SHAFT_SPACING_MM + ox + rng.gaussian(0, 0.5);
        const x = side * Math.max(lateral, 3);
        const y = cy + oy + rng.gaussian(0, 0.5);
        const z = cz + oz + rng.gaussian(0, 0.5);
        contacts.push({
          name: `${hemisphere}${shaft.id}${i + 1}`,
          region: shaft.region,
          hemisphere,
          position: [round1(x), round1(y), round1(z)],
        });
      }
    }
  }
  return contacts;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

interface RegionProfile {
  /** Alpha peak height relative to the 1/f level at its frequency: [min, max] over contacts. */
  alphaPeak: readonly [number, number];
  /** Evoked response amplitude in microvolts, [min, max]; [0, 0] for none. */
  evokedUv: readonly [number, number];
  /** Latency of the first (negative) evoked peak, seconds. */
  evokedLatencyS: number;
  /**
   * Median power ratio of the broadband 70-150 Hz response to any image, from the evoked latency for 250 ms; 1 for
   * none. Visual cortex responds to every stimulus, which is what the responsiveness test of Level 1 looks for.
   */
  visualGamma: number;
}

// Alpha is strongest over occipital cortex; evoked responses grow later and weaker along the ventral stream.
const REGION_PROFILES: Record<string, RegionProfile> = {
  BA17: { alphaPeak: [3, 6], evokedUv: [30, 60], evokedLatencyS: 0.08, visualGamma: 2.5 },
  BA18: { alphaPeak: [3, 6], evokedUv: [25, 50], evokedLatencyS: 0.09, visualGamma: 2.2 },
  BA19: { alphaPeak: [3, 6], evokedUv: [20, 40], evokedLatencyS: 0.1, visualGamma: 2 },
  BA37: { alphaPeak: [1.5, 3], evokedUv: [15, 30], evokedLatencyS: 0.13, visualGamma: 2 },
  BA20: { alphaPeak: [1.5, 3], evokedUv: [10, 20], evokedLatencyS: 0.15, visualGamma: 1.6 },
  other: { alphaPeak: [0.8, 2], evokedUv: [0, 0], evokedLatencyS: 0.18, visualGamma: 1 },
};

function regionProfile(region: string): RegionProfile {
  return REGION_PROFILES[region] ?? REGION_PROFILES.other;
}

/** Per-contact background parameters, fixed across trials. */
interface ContactParams {
  /** Variance per FFT bin (1/f part + white floor), V^2, bins 0..nFft/2. */
  baseVariance: Float64Array;
  /** 1/f variance per bin at the alpha frequency, the unit of the alpha peak. */
  pinkAtAlpha: number;
  alphaHz: number;
  alphaPeak: number;
  evokedV: number;
  evokedLatencyS: number;
  visualGamma: number;
}

const UV = 1e-6;
const KNEE_HZ = 1.5;
const ALPHA_SD_HZ = 1.0;

function contactParams(seed: number, index: number, region: string, nFft: number, sfreq: number): ContactParams {
  const rng = new Rng(seed, STREAM_CONTACT_PARAMS, index);
  const profile = regionProfile(region);
  const beta = rng.range(1.4, 2.0);
  const rms = rng.range(20, 45) * UV;
  const whiteRms = rng.range(2, 4) * UV;
  const alphaHz = rng.range(8.5, 11.5);
  const alphaPeak = rng.range(profile.alphaPeak[0], profile.alphaPeak[1]);
  const evokedV = rng.range(profile.evokedUv[0], profile.evokedUv[1]) * UV;

  const half = nFft / 2;
  const df = sfreq / nFft;
  const kneePow = Math.pow(KNEE_HZ, beta);
  const pinkShape = (f: number): number => 1 / (kneePow + Math.pow(f, beta));
  // DC and Nyquist stay empty: epochs are detrended in practice, and the Nyquist bin has no phase.
  let pinkTotal = 0;
  for (let k = 1; k < half; k++) pinkTotal += pinkShape(k * df);
  const pinkScale = (rms * rms) / pinkTotal;
  const whitePerBin = (whiteRms * whiteRms) / (half - 1);
  const baseVariance = new Float64Array(half + 1);
  for (let k = 1; k < half; k++) baseVariance[k] = pinkScale * pinkShape(k * df) + whitePerBin;
  return {
    baseVariance,
    pinkAtAlpha: pinkScale * pinkShape(alphaHz),
    alphaHz,
    alphaPeak,
    evokedV,
    evokedLatencyS: profile.evokedLatencyS,
    visualGamma: profile.visualGamma,
  };
}

function nextPow2(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

interface ResolvedOptions {
  seed: number;
  sfreq: number;
  tmin: number;
  nTimes: number;
  categories: string[];
  trialsPerCategory: number;
  /** Given epoch labels, or null for trialsPerCategory shuffled. */
  labels: Int32Array | null;
  contacts: ContactSpec[];
  evoked: boolean;
}

function resolveOptions(options: IeegOptions): ResolvedOptions {
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const sfreq = options.sfreq ?? DEFAULTS.sfreq;
  const tmin = options.tmin ?? DEFAULTS.tmin;
  const tmax = options.tmax ?? DEFAULTS.tmax;
  checkFinite('sfreq', sfreq);
  checkFinite('tmin', tmin);
  checkFinite('tmax', tmax);
  if (sfreq <= 0) throw new RangeError(`sfreq must be positive, got ${sfreq}`);
  if (tmax <= tmin) throw new RangeError(`tmax (${tmax}) must be after tmin (${tmin})`);
  const nTimes = Math.round((tmax - tmin) * sfreq);
  if (nTimes < 8) throw new RangeError(`epochs of ${nTimes} samples are too short`);
  const categories = [...(options.categories ?? DEFAULT_IEEG_CATEGORIES)];
  if (categories.length === 0) throw new RangeError('categories must not be empty');
  if (new Set(categories).size !== categories.length) throw new RangeError('categories must be unique');
  const trialsPerCategory = options.trialsPerCategory ?? DEFAULTS.trialsPerCategory;
  if (!Number.isInteger(trialsPerCategory) || trialsPerCategory < 1) {
    throw new RangeError(`trialsPerCategory must be a positive integer, got ${trialsPerCategory}`);
  }
  let labels: Int32Array | null = null;
  if (options.labels !== undefined) {
    labels = Int32Array.from(options.labels);
    if (labels.length === 0) throw new RangeError('labels must not be empty');
    labels.forEach((k, i) => {
      if (!(Number.isInteger(options.labels![i]) && k >= 0 && k < categories.length)) {
        throw new RangeError(`labels[${i}] = ${options.labels![i]} is not a category index 0..${categories.length - 1}`);
      }
    });
  }
  const contacts = options.contacts ? options.contacts.map((c) => ({ ...c })) : defaultIeegContacts(seed);
  if (contacts.length === 0) throw new RangeError('contacts must not be empty');
  const names = new Set<string>();
  for (const c of contacts) {
    if (names.has(c.name)) throw new RangeError(`duplicate contact name ${c.name}`);
    names.add(c.name);
    if (c.position.length !== 3 || !c.position.every(Number.isFinite)) {
      throw new RangeError(`contact ${c.name}: position must be three finite numbers (MNI mm)`);
    }
  }
  return {
    seed,
    sfreq,
    tmin,
    nTimes,
    categories,
    trialsPerCategory,
    labels,
    contacts,
    evoked: options.evoked ?? DEFAULTS.evoked,
  };
}

/**
 * Places the effects on contacts. With `strict` (effects the caller gave), anything that cannot be placed is an
 * error; the defaults skip what the chosen categories or contacts make impossible.
 */
function placeEffects(
  specs: readonly EffectSpec[],
  opts: ResolvedOptions,
  strict: boolean,
): PlantedEffect[] {
  const rng = new Rng(opts.seed, STREAM_EFFECT_PLACEMENT);
  const nyquist = opts.sfreq / 2;
  const tEnd = opts.tmin + opts.nTimes / opts.sfreq;
  const placed: PlantedEffect[] = [];
  specs.forEach((spec, i) => {
    const where = `effects[${i}] (${spec.category})`;
    for (const [name, v] of [
      ['fminHz', spec.fminHz],
      ['fmaxHz', spec.fmaxHz],
      ['tminS', spec.tminS],
      ['tmaxS', spec.tmaxS],
      ['powerRatio', spec.powerRatio],
    ] as const) {
      checkFinite(`${where}.${name}`, v);
    }
    if (spec.fminHz < 0 || spec.fmaxHz <= spec.fminHz || spec.fmaxHz > nyquist) {
      throw new RangeError(`${where}: band ${spec.fminHz}-${spec.fmaxHz} Hz must lie within 0-${nyquist} Hz`);
    }
    if (spec.tmaxS <= spec.tminS || spec.tminS < opts.tmin || spec.tmaxS > tEnd) {
      throw new RangeError(`${where}: window ${spec.tminS}-${spec.tmaxS} s must lie within the epoch`);
    }
    if (spec.powerRatio <= 0 || spec.powerRatio === 1) {
      throw new RangeError(`${where}: powerRatio must be positive and not 1, got ${spec.powerRatio}`);
    }
    const hitRate = spec.hitRate ?? 0.9;
    const ratioJitter = spec.ratioJitter ?? 0.25;
    const latencyJitterS = spec.latencyJitterS ?? 0.02;
    if (!(hitRate >= 0 && hitRate <= 1)) throw new RangeError(`${where}: hitRate must be in [0, 1]`);
    if (!(ratioJitter >= 0) || !(latencyJitterS >= 0)) throw new RangeError(`${where}: jitters must be >= 0`);

    const categoryIndex = opts.categories.indexOf(spec.category);
    if (categoryIndex < 0) {
      if (strict) throw new RangeError(`${where}: unknown category '${spec.category}'`);
      return;
    }
    let indices: number[];
    if (spec.contacts) {
      indices = spec.contacts.map((name) => {
        const index = opts.contacts.findIndex((c) => c.name === name);
        if (index < 0) throw new RangeError(`${where}: unknown contact '${name}'`);
        return index;
      });
    } else {
      if (spec.region === undefined) throw new RangeError(`${where}: give contacts or a region`);
      const candidates: number[] = [];
      opts.contacts.forEach((c, index) => {
        if (c.region === spec.region && (spec.hemisphere === undefined || c.hemisphere === spec.hemisphere)) {
          candidates.push(index);
        }
      });
      let count = spec.count ?? 1;
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`${where}: count must be a positive integer`);
      if (count > candidates.length) {
        if (strict) {
          throw new RangeError(`${where}: ${count} contacts wanted in ${spec.region}, ${candidates.length} there`);
        }
        count = candidates.length;
      }
      indices = rng.sample(candidates, count).sort((a, b) => a - b);
    }
    for (const contactIndex of indices) {
      placed.push({
        contact: opts.contacts[contactIndex].name,
        contactIndex,
        category: spec.category,
        categoryIndex,
        fminHz: spec.fminHz,
        fmaxHz: spec.fmaxHz,
        tminS: spec.tminS,
        tmaxS: spec.tmaxS,
        direction: spec.powerRatio > 1 ? 'increase' : 'decrease',
        powerRatio: spec.powerRatio,
        hitRate,
        ratioJitter,
        latencyJitterS,
      });
    }
  });
  return placed;
}

/** Checks the modulations against the epochs; returns each one's contact index. */
function checkModulations(modulations: readonly BandModulation[], opts: ResolvedOptions, nEpochs: number): number[] {
  const tEnd = opts.tmin + opts.nTimes / opts.sfreq;
  return modulations.map((m, i) => {
    const where = `modulations[${i}] (${m.contact})`;
    const index = opts.contacts.findIndex((c) => c.name === m.contact);
    if (index < 0) throw new RangeError(`${where}: unknown contact`);
    for (const [name, v] of [
      ['fminHz', m.fminHz],
      ['fmaxHz', m.fmaxHz],
      ['tminS', m.tminS],
      ['tmaxS', m.tmaxS],
    ] as const) {
      checkFinite(`${where}.${name}`, v);
    }
    if (m.fminHz < 0 || m.fmaxHz <= m.fminHz || m.fmaxHz > opts.sfreq / 2) {
      throw new RangeError(`${where}: band ${m.fminHz}-${m.fmaxHz} Hz must lie within 0-${opts.sfreq / 2} Hz`);
    }
    if (m.tmaxS <= m.tminS || m.tminS < opts.tmin || m.tmaxS > tEnd) {
      throw new RangeError(`${where}: window ${m.tminS}-${m.tmaxS} s must lie within the epoch`);
    }
    if (m.powerRatios.length !== nEpochs) {
      throw new RangeError(`${where}: ${m.powerRatios.length} power ratios for ${nEpochs} epochs`);
    }
    for (let e = 0; e < nEpochs; e++) {
      if (!(m.powerRatios[e] > 0 && Number.isFinite(m.powerRatios[e]))) {
        throw new RangeError(`${where}: powerRatios[${e}] must be positive and finite, got ${m.powerRatios[e]}`);
      }
    }
    return index;
  });
}

/** Raised-cosine window: 1 on [a, b], 0 outside, with ramps of width `ramp` centred on a and b. */
function envelope(t: number, a: number, b: number, ramp: number): number {
  const h = ramp / 2;
  if (t <= a - h || t >= b + h) return 0;
  if (t < a + h) return 0.5 - 0.5 * Math.cos((Math.PI * (t - a + h)) / ramp);
  if (t > b - h) return 0.5 + 0.5 * Math.cos((Math.PI * (t - b + h)) / ramp);
  return 1;
}

/** One planted effect as realised on one trial. */
interface TrialEffect {
  loBin: number;
  hiBin: number;
  /** Amplitude gain per sample of the epoch. */
  gain: Float64Array;
}

/**
 * Generates epochs of synthetic sEEG with planted category-specific effects.
 * `onProgress` receives the share of epochs done, ending at 1.
 */
export function generateIeegEpochs(
  options: IeegOptions = {},
  onProgress?: (fraction: number) => void,
): SyntheticEpochs {
  const opts = resolveOptions(options);
  const { seed, sfreq, tmin, nTimes, categories, trialsPerCategory, contacts } = opts;
  const effects = placeEffects(options.effects ?? DEFAULT_IEEG_EFFECTS, opts, options.effects !== undefined);
  const nChannels = contacts.length;
  const nEpochs = opts.labels ? opts.labels.length : categories.length * trialsPerCategory;
  const modulations = options.modulations ?? [];
  const modulationContacts = checkModulations(modulations, opts, nEpochs);
  const total = nEpochs * nChannels * nTimes;
  if (total > 2 ** 31 - 1) throw new RangeError(`${total} samples are more than one Float32Array holds`);

  // Padding keeps the circular FFT signal from wrapping the epoch's end onto its start.
  const nFft = nextPow2(Math.ceil(nTimes * 1.25));
  const half = nFft / 2;
  const df = sfreq / nFft;
  const fft = new FFT(nFft);
  const params = contacts.map((c, index) => contactParams(seed, index, c.region, nFft, sfreq));

  // Epochs in random order, as in an experiment, unless the caller gave the order.
  let labels = opts.labels;
  if (labels === null) {
    const order: number[] = [];
    for (let k = 0; k < categories.length; k++) for (let t = 0; t < trialsPerCategory; t++) order.push(k);
    new Rng(seed, STREAM_ORDER).shuffle(order);
    labels = Int32Array.from(order);
  }

  const effectsByContact: PlantedEffect[][] = contacts.map(() => []);
  for (const e of effects) effectsByContact[e.contactIndex].push(e);
  const effectIndex = new Map<PlantedEffect, number>(effects.map((e, i) => [e, i]));
  const modulationsByContact: BandModulation[][] = contacts.map(() => []);
  modulations.forEach((m, i) => modulationsByContact[modulationContacts[i]].push(m));

  const data = new Float32Array(total);
  const specRe = new Float64Array(half + 1);
  const specIm = new Float64Array(half + 1);
  const binMask = new Int32Array(half + 1);
  const packed = new Float64Array(2 * nFft);
  const synthesised = new Float64Array(2 * nFft);
  const trace = new Float64Array(nTimes);
  const times = new Float64Array(nTimes);
  for (let n = 0; n < nTimes; n++) times[n] = tmin + n / sfreq;
  const ones = new Float64Array(nTimes).fill(1);
  /** Band [fmin, fmax] Hz scaled by sqrt(ratio) over [a, b] s with raised-cosine ramps. */
  const trialEffect = (fminHz: number, fmaxHz: number, a: number, b: number, ratio: number): TrialEffect => {
    const gainPeak = Math.sqrt(ratio) - 1;
    const ramp = Math.min(0.05, (b - a) / 2);
    const gain = new Float64Array(nTimes);
    for (let n = 0; n < nTimes; n++) gain[n] = 1 + gainPeak * envelope(times[n], a, b, ramp);
    return { loBin: Math.max(1, Math.ceil(fminHz / df)), hiBin: Math.min(half - 1, Math.floor(fmaxHz / df)), gain };
  };

  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const category = labels[epoch];
    const bg = new Rng(seed, STREAM_BACKGROUND, epoch);
    const evokedRng = new Rng(seed, STREAM_EVOKED, epoch);
    const visualRng = new Rng(seed, STREAM_VISUAL, epoch);
    // Every effect draws its trial values on every epoch, so one effect's draws never shift another's.
    const effectRng = new Rng(seed, STREAM_EFFECT_TRIALS, epoch);
    const trialDraws = effects.map((e) => ({
      hit: effectRng.uniform() < e.hitRate,
      ratio: e.powerRatio * effectRng.logNormal(0, e.ratioJitter),
      shift: effectRng.gaussian(0, e.latencyJitterS),
    }));

    for (let ch = 0; ch < nChannels; ch++) {
      const p = params[ch];
      // Background spectrum of this trial: 1/f + white, plus an alpha peak whose frequency and height vary.
      const trialGain = bg.logNormal(0, 0.1);
      const alphaHz = p.alphaHz + bg.gaussian(0, 0.25);
      const alphaVar = p.alphaPeak * bg.logNormal(0, 0.35) * p.pinkAtAlpha;
      const alphaLo = Math.max(1, Math.ceil((alphaHz - 4 * ALPHA_SD_HZ) / df));
      const alphaHi = Math.min(half - 1, Math.floor((alphaHz + 4 * ALPHA_SD_HZ) / df));
      // For a real signal of N samples, bin k with E|X_k|^2 = N^2 v / 2 carries variance v.
      const ampScale = (trialGain * nFft) / 2;
      for (let k = 1; k < half; k++) {
        let v = p.baseVariance[k];
        if (k >= alphaLo && k <= alphaHi) {
          const d = (k * df - alphaHz) / ALPHA_SD_HZ;
          v += alphaVar * Math.exp(-0.5 * d * d);
        }
        // Box-Muller radius and angle give a circular complex Gaussian with E|z|^2 = 2.
        const radius = ampScale * Math.sqrt(v * -2 * Math.log(bg.uniformOpen()));
        const angle = 2 * Math.PI * bg.uniform();
        specRe[k] = radius * Math.cos(angle);
        specIm[k] = radius * Math.sin(angle);
      }

      // Effects realised on this trial: split the spectrum into band components, each with its own gain.
      const active: TrialEffect[] = [];
      for (const e of effectsByContact[ch]) {
        if (e.categoryIndex !== category) continue;
        const draw = trialDraws[effectIndex.get(e) ?? 0];
        if (!draw.hit) continue;
        active.push(trialEffect(e.fminHz, e.fmaxHz, e.tminS + draw.shift, e.tmaxS + draw.shift, draw.ratio));
      }
      for (const m of modulationsByContact[ch]) {
        active.push(trialEffect(m.fminHz, m.fmaxHz, m.tminS, m.tmaxS, m.powerRatios[epoch]));
      }
      if (opts.evoked && p.visualGamma > 1) {
        const ratio = p.visualGamma * visualRng.logNormal(0, 0.3);
        active.push(trialEffect(70, 150, p.evokedLatencyS, p.evokedLatencyS + 0.25, ratio));
      }

      trace.fill(0);
      if (active.length === 0) {
        synthesise(specRe, specIm, null, 0, -1, packed, synthesised, fft, nFft);
        for (let n = 0; n < nTimes; n++) trace[n] = synthesised[2 * n];
      } else {
        // A bin inside several effects' bands takes the product of their gains.
        binMask.fill(0);
        for (let j = 0; j < active.length; j++) {
          for (let k = active[j].loBin; k <= active[j].hiBin; k++) binMask[k] |= 1 << j;
        }
        const masks = [...new Set(binMask.subarray(1, half))];
        const gainOf = (mask: number): Float64Array => {
          if (mask === 0) return ones;
          const g = new Float64Array(nTimes).fill(1);
          for (let j = 0; j < active.length; j++) {
            if ((mask & (1 << j)) === 0) continue;
            for (let n = 0; n < nTimes; n++) g[n] *= active[j].gain[n];
          }
          return g;
        };
        // Two real components per complex inverse FFT.
        for (let m = 0; m < masks.length; m += 2) {
          const maskA = masks[m];
          const maskB = m + 1 < masks.length ? masks[m + 1] : -1;
          synthesise(specRe, specIm, binMask, maskA, maskB, packed, synthesised, fft, nFft);
          const gainA = gainOf(maskA);
          const gainB = maskB >= 0 ? gainOf(maskB) : ones;
          for (let n = 0; n < nTimes; n++) {
            trace[n] += synthesised[2 * n] * gainA[n] + (maskB >= 0 ? synthesised[2 * n + 1] * gainB[n] : 0);
          }
        }
      }

      if (opts.evoked && p.evokedV > 0) {
        const amp = p.evokedV * evokedRng.logNormal(0, 0.3);
        const latency = p.evokedLatencyS + evokedRng.gaussian(0, 0.012);
        addEvoked(trace, times, amp, latency);
      }

      const offset = (epoch * nChannels + ch) * nTimes;
      for (let n = 0; n < nTimes; n++) data[offset + n] = trace[n];
    }
    onProgress?.((epoch + 1) / nEpochs);
  }

  const positions = new Float32Array(nChannels * 3);
  contacts.forEach((c, i) => positions.set(c.position, 3 * i));
  const predictiveContacts: Record<string, string[]> = {};
  for (const name of categories) {
    const set = new Set(effects.filter((e) => e.category === name).map((e) => e.contactIndex));
    predictiveContacts[name] = [...set].sort((a, b) => a - b).map((i) => contacts[i].name);
  }
  const evokedContacts = opts.evoked ? contacts.filter((_, i) => params[i].evokedV > 0).map((c) => c.name) : [];

  return {
    sfreq,
    tmin,
    nTimes,
    chNames: contacts.map((c) => c.name),
    chTypes: contacts.map(() => 'seeg' as const),
    positions,
    coordFrame: 'mni_tal',
    regions: contacts.map((c) => c.region),
    hemispheres: contacts.map((c) => c.hemisphere),
    categories,
    labels,
    data,
    groundTruth: {
      generator: IEEG_GENERATOR,
      version: IEEG_GENERATOR_VERSION,
      seed,
      effects,
      predictiveContacts,
      evokedContacts,
    },
  };
}

/**
 * Inverse FFT of the bins of `spec` whose mask is `maskA` into the real part of `out`, and of those whose mask is
 * `maskB` into its imaginary part (Z = A + iB with A, B Hermitian). With `binMask` null, all bins go to A.
 */
function synthesise(
  specRe: Float64Array,
  specIm: Float64Array,
  binMask: Int32Array | null,
  maskA: number,
  maskB: number,
  packed: Float64Array,
  out: Float64Array,
  fft: FFT,
  nFft: number,
): void {
  packed.fill(0);
  const half = nFft / 2;
  for (let k = 1; k < half; k++) {
    const mask = binMask === null ? 0 : binMask[k];
    let aRe = 0;
    let aIm = 0;
    let bRe = 0;
    let bIm = 0;
    if (binMask === null || mask === maskA) {
      aRe = specRe[k];
      aIm = specIm[k];
    } else if (mask === maskB) {
      bRe = specRe[k];
      bIm = specIm[k];
    } else {
      continue;
    }
    const mirror = 2 * (nFft - k);
    packed[2 * k] = aRe - bIm;
    packed[2 * k + 1] = aIm + bRe;
    packed[mirror] = aRe + bIm;
    packed[mirror + 1] = bRe - aIm;
  }
  fft.inverseTransform(out, packed);
}

/** Category-unspecific evoked potential: a negative peak at `latency`, a broader positive one 90 ms later. */
function addEvoked(trace: Float64Array, times: Float64Array, amp: number, latency: number): void {
  const sdN = 0.025;
  const sdP = 0.045;
  const latencyP = latency + 0.09;
  for (let n = 0; n < trace.length; n++) {
    const t = times[n];
    if (t < latency - 5 * sdN || t > latencyP + 5 * sdP) continue;
    const dn = (t - latency) / sdN;
    const dp = (t - latencyP) / sdP;
    trace[n] += amp * (-Math.exp(-0.5 * dn * dn) + 0.7 * Math.exp(-0.5 * dp * dp));
  }
}
