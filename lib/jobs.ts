import { z } from 'zod';

/** One pg-boss queue carries every kind of job; the job row in the database says what to run. */
export const JOB_QUEUE = 'brainglass-jobs';

export interface QueueMessage {
  jobId: string;
}

/** Job kinds a user can start. Each has a handler in workers/handlers. */
export const JOB_KINDS = ['dataset.synthesize', 'dataset.ingest', 'dataset.epoch', 'analysis.signatures', 'dataset.synthesizeEeg', 'analysis.statespace', 'dataset.synthesizeVisual', 'analysis.rsa'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Parameters of each kind of job, checked when it is queued and again when it runs. */
export const synthesizeParams = z.object({
  name: z.string().trim().min(1, 'Name the dataset').max(200),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  trialsPerCategory: z.number().int().min(2, 'At least 2 trials per category').max(200, 'At most 200 trials per category').default(30),
});

export const epochParams = z
  .object({
    sourceDatasetId: z.string(),
    name: z.string().trim().min(1).max(200),
    /** Event descriptions to cut around; each becomes a category. */
    events: z.array(z.string()).min(1, 'Choose at least one kind of event'),
    tmin: z.number().default(-0.5),
    tmax: z.number().default(1.0),
    /** Include the sample at tmax, as MNE does; the paper's 768-sample epochs leave it out. */
    includeTmax: z.boolean().default(true),
    baseline: z.tuple([z.number(), z.number()]).nullable().default(null),
    lFreq: z.number().positive().nullable().default(null),
    hFreq: z.number().positive().nullable().default(null),
    /** Mains frequency whose harmonics are notched (50 in Europe, 60 in the Americas). */
    lineFreq: z.number().positive().nullable().default(null),
    bipolar: z.boolean().default(false),
    /** Reject a trial for a contact when its peak exceeds this many times the contact's mean trial SD (METHODS.md: 10). */
    rejectFactor: z.number().positive().nullable().default(null),
  })
  .refine((p) => p.tmax > p.tmin, { message: 'tmax must be after tmin', path: ['tmax'] })
  .refine((p) => p.lFreq === null || p.hFreq === null || p.lFreq < p.hFreq, { message: 'the low cut-off must be below the high one', path: ['hFreq'] });

export type EpochParams = z.infer<typeof epochParams>;


export const signaturesParams = z.object({
  datasetId: z.string(),
  name: z.string().trim().min(1).max(200),
  /** 'quick' for a first look (32 log-spaced frequencies, 150 trees, 3 folds); 'paper' reproduces the study. */
  preset: z.enum(['quick', 'paper']).default('quick'),
  nEstimators: z.number().int().min(1).max(10_000).optional(),
  nSplits: z.number().int().min(2).max(20).optional(),
  importance: z.enum(['leaf-paths', 'class-gini']).optional(),
  /** Shuffled-label repetitions per contact for the null distribution. */
  nNull: z.number().int().min(1).max(100).default(2),
  nullP: z.number().gt(0).lt(1).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  clusterMethod: z.enum(['ward', 'cosine-complete']).default('ward'),
  k: z.number().int().min(1).max(16).default(5),
  /** The paper's selection: only contacts responsive to the stimuli (Wilcoxon + FDR) can be predictive. */
  responsiveOnly: z.boolean().default(true),
});
export type SignaturesParams = z.infer<typeof signaturesParams>;

/** A synthetic scalp EEG recording with planted motor imagery classes (lib/synthetic/eeg.ts), stored as a recording. */
export const synthesizeEegParams = z.object({
  name: z.string().trim().min(1, 'Name the dataset').max(200),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  trialsPerClass: z.number().int().min(2, 'At least 2 trials per class').max(200, 'At most 200 trials per class').default(20),
});

/** Level 3 offline: the mental state map of a recording's labelled events, its accuracy against chance and separability. */
export const statespaceParams = z.object({
  datasetId: z.string(),
  name: z.string().trim().min(1, 'Name the analysis').max(200),
  /** Event descriptions to use; each is one mental action (class). */
  events: z
    .array(z.string().min(1))
    .min(2, 'Choose at least two kinds of event')
    .refine((e) => new Set(e).size === e.length, 'Each kind of event once'),
  windowS: z.number().min(0.1).max(10).default(1),
  /** Windows of one trial are alike: a 250 ms hop keeps the analysis quick with little lost. */
  hopS: z.number().min(0.01).max(10).default(0.25),
  rows: z.number().int().min(2).max(40).default(10),
  cols: z.number().int().min(2).max(40).default(10),
  epochs: z.number().int().min(1).max(100).default(10),
  /** Weight of class relevance in the map's metric (lib/ml/som: 0 is a plain SOM). */
  relevance: z.number().min(0).max(1).default(0.9),
  nSplits: z.number().int().min(2).max(20).default(5),
  nShuffles: z.number().int().min(1).max(200).default(20),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
});
export type StatespaceParams = z.infer<typeof statespaceParams>;

/** Level 2 demo: synthetic stimuli, a network's layers and epochs whose gamma power follows them (lib/synthetic/visual.ts). */
export const synthesizeVisualParams = z.object({
  name: z.string().trim().min(1, 'Name the dataset').max(200),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** Images per category (five categories); 12 keeps the demo and CI quick, the paper had 50. */
  perCategory: z.number().int().min(2, 'At least 2 images per category').max(50, 'At most 50 images per category').default(12),
});

/** The user's settings of an image model's input (lib/stimuli/spec.ts); what is left out is read from the model. */
export const inputSpecOverrides = z
  .object({
    width: z.number().int().min(1).max(4096),
    height: z.number().int().min(1).max(4096),
    resize: z.enum(['crop', 'stretch']),
    layout: z.enum(['NCHW', 'NHWC']),
    channels: z.enum(['RGB', 'BGR', 'gray']),
    normalisation: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('raw') }),
      z.object({ kind: z.literal('unit') }),
      z.object({ kind: z.literal('meanStd'), mean: z.array(z.number()).min(1).max(3), std: z.array(z.number().positive('std must be > 0')).min(1).max(3) }),
    ]),
  })
  .partial();

/** Level 2 (METHODS.md): RSA of band/window responses against a network's layers along the visual hierarchy. */
export const rsaParams = z.object({
  datasetId: z.string(),
  name: z.string().trim().min(1, 'Name the analysis').max(200),
  /** An uploaded .onnx (blob key of the dataset's lab); null: the MobileNetV2 of the assets folder. */
  modelKey: z.string().regex(/^[0-9a-f]{64}$/, 'not a blob key').nullable().default(null),
  /** Tensor names (or 'pixels'); empty: 'pixels' and eight layers spread over the network (defaultRsaLayers). */
  layers: z.array(z.string().min(1)).max(32, 'At most 32 layers').default([]),
  /** Input settings that replace what the model states (size, layout, channels, resize, normalisation). */
  input: inputSpecOverrides.default({}),
  /** Band names of LEVEL2_BANDS to test; empty: all five. */
  bands: z.array(z.string()).default([]),
  windows: z.array(z.tuple([z.number(), z.number()])).min(1).max(8).optional(),
  nPermutations: z.number().int().min(100).max(100_000).default(10_000),
  /**
   * Sequential early stopping after this many permuted rho reach the observed one (lib/rsa/permutation.ts): 11 gives
   * the same p <= 0.001 decisions as the full 10,000 in a fraction of the time; null runs every permutation.
   */
  stopAfter: z.number().int().min(1).nullable().default(11),
  variant: z.enum(['standard', 'paper']).default('standard'),
  alpha: z.number().gt(0).lt(1).default(0.001),
  /** FDR q across (contact, layer) pairs instead of alpha, when set. */
  fdrQ: z.number().gt(0).lt(1).nullable().default(null),
  areas: z.array(z.string().min(1)).min(2, 'At least two areas').default(['BA17', 'BA18', 'BA19', 'BA37', 'BA20']),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  controlSeed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
});
export type RsaParams = z.infer<typeof rsaParams>;
