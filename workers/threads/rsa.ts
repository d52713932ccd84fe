import { bandResponses, euclideanRdm, permutationTestContacts, responsiveness, type FrequencyBand, type RsaVariant, type TimeSpan } from '@/lib/rsa';

/** Contacts' epochs for the Level 2 brain features; trials whose stimulus is -1 are left out. */
export interface RsaFeaturesTask {
  /** Contacts x trials x times, row-major. */
  data: Float32Array;
  nContacts: number;
  nTrials: number;
  nTimes: number;
  sfreq: number;
  tmin: number;
  /** Per trial, the index of its stimulus in analysis order. */
  stimulusOf: Int32Array;
  nStimuli: number;
  bands: FrequencyBand[];
  windows: TimeSpan[];
}

export interface RsaFeatures {
  /** Contacts x band/windows x stimuli: the response averaged over the trials of each stimulus. */
  responses: Float64Array;
  /** Contacts x band/windows: Wilcoxon p of window against baseline power, and whether power increased. */
  pValues: Float64Array;
  increase: Uint8Array;
}

/** Band/window responses of each contact, averaged per stimulus (the contact RDM's scalar), and responsiveness. */
export function rsaFeaturesTask(input: RsaFeaturesTask, progress: (fraction: number) => void): RsaFeatures {
  const { nContacts, nTrials, nTimes, stimulusOf, nStimuli } = input;
  const nBw = input.bands.length * input.windows.length;
  const responses = new Float64Array(nContacts * nBw * nStimuli);
  const pValues = new Float64Array(nContacts * nBw);
  const increase = new Uint8Array(nContacts * nBw);
  const counts = new Int32Array(nStimuli);
  for (const s of stimulusOf) if (s >= 0) counts[s]++;
  for (let c = 0; c < nContacts; c++) {
    const data = input.data.subarray(c * nTrials * nTimes, (c + 1) * nTrials * nTimes);
    const f = bandResponses(data, nTimes, input.sfreq, input.tmin, { bands: input.bands, windows: input.windows });
    const r = responsiveness(f);
    pValues.set(r.pValues, c * nBw);
    increase.set(r.increase, c * nBw);
    const out = responses.subarray(c * nBw * nStimuli, (c + 1) * nBw * nStimuli);
    for (let e = 0; e < nTrials; e++) {
      const s = stimulusOf[e];
      if (s < 0) continue;
      for (let k = 0; k < nBw; k++) out[k * nStimuli + s] += f.responses[e * nBw + k] / counts[s];
    }
    progress((c + 1) / nContacts);
  }
  return { responses, pValues, increase };
}

export interface RsaPermutationTask {
  /** Contacts x stimuli. */
  responses: Float64Array;
  nStimuli: number;
  /** Condensed layer RDMs over the same stimuli. */
  rdms: Float64Array[];
  variant: RsaVariant;
  nPermutations: number;
  seed: number;
  stopAfter: number | null;
}

/** Every contact's RDM against every layer's, with permutation p-values (contacts x layers). */
export function rsaPermutationTask(input: RsaPermutationTask, progress: (fraction: number) => void) {
  const { rho, p } = permutationTestContacts(input.responses, input.nStimuli, input.rdms, {
    variant: input.variant,
    nPermutations: input.nPermutations,
    seed: input.seed,
    ...(input.stopAfter ? { stopAfter: input.stopAfter } : {}),
    onProgress: progress,
  });
  return { rho, p };
}

/** Euclidean RDM of one layer's activations (stimuli x features): off the main thread, it is n^2 d / 2. */
export function layerRdmTask(input: { data: Float32Array; n: number; features: number }): Float64Array {
  return euclideanRdm(input.data, input.n, input.features);
}
