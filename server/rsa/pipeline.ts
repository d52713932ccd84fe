/**
 * Level 2 (METHODS.md) from epochs and layer RDMs to the hierarchy, shared by the `analysis.rsa` job and the
 * `analyze rsa` command: band/window responses per contact -> responsive-positive contacts per band/window -> their
 * RDMs against every layer's (permutation tests) -> area x layer scores and alignment, for the trained network and
 * the random-weights control. Steps whose results `state` already holds are skipped, so a restarted job resumes.
 */
import type { RsaNetworkSummary, RsaSummary } from '@/db/schema';
import { decodeArray, encodeArray, ndarray } from '@/lib/arrays';
import { LEVEL2_BANDS, LEVEL2_WINDOWS, bandWindowLabels, layerHierarchy, responsivePositive, type FrequencyBand, type TimeSpan } from '@/lib/rsa';
import type { RsaParams } from '@/lib/jobs';
import type { ThreadTasks } from '@/workers/threads/tasks';
import type { RsaFeatures } from '@/workers/threads/rsa';

export type RsaOptions = Pick<RsaParams, 'bands' | 'windows' | 'nPermutations' | 'stopAfter' | 'variant' | 'alpha' | 'fdrQ' | 'areas' | 'seed'>;

export interface RsaInputs {
  /** Epochs x channels x times (MNE's layout). */
  epochs: Float32Array;
  nEpochs: number;
  nChannels: number;
  nTimes: number;
  sfreq: number;
  tmin: number;
  /** Area of each channel (e.g. 'BA37'), matched against options.areas. */
  regions: (string | null)[];
  /** Per epoch, its stimulus in analysis order (-1: none). */
  stimulusOf: Int32Array;
  nStimuli: number;
  trained: Float64Array[];
  random: Float64Array[];
}

export type RunTask = <K extends 'rsaFeatures' | 'rsaPermutations'>(
  task: K,
  input: Parameters<ThreadTasks[K]>[0],
  onProgress: (fraction: number) => void,
) => Promise<ReturnType<ThreadTasks[K]>>;

/** Saved intermediate results by name (the job keeps them as blobs of the analysis). */
export interface RsaState {
  get(name: string): Promise<Uint8Array | null>;
  put(name: string, bytes: Uint8Array): Promise<void>;
}

export interface RsaHooks {
  run: RunTask;
  state?: RsaState;
  progress: (fraction: number, step: string) => Promise<void>;
  /** Threads to use at once (contacts are split across them). */
  threads: number;
}

export interface RsaResult {
  bands: FrequencyBand[];
  windows: TimeSpan[];
  bandWindows: string[];
  /** Channels x band/windows: 1 where responsive positive (tested). */
  responsive: Uint8Array;
  nResponsive: number[];
  /** Band/windows x channels x layers, NaN where untested. */
  rho: { trained: Float64Array; random: Float64Array };
  p: { trained: Float64Array; random: Float64Array };
  networks: { trained: RsaNetworkSummary; random: RsaNetworkSummary };
}

export function resolveBands(names: readonly string[]): FrequencyBand[] {
  if (names.length === 0) return [...LEVEL2_BANDS];
  return names.map((name) => {
    const band = LEVEL2_BANDS.find((b) => b.name === name);
    if (!band) throw new Error(`Unknown band "${name}"; the bands are ${LEVEL2_BANDS.map((b) => `"${b.name}"`).join(', ')}`);
    return band;
  });
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

export async function runRsa(inputs: RsaInputs, options: RsaOptions, hooks: RsaHooks): Promise<RsaResult> {
  const bands = resolveBands(options.bands);
  const windows: TimeSpan[] = options.windows ?? [...LEVEL2_WINDOWS];
  const bandWindows = bandWindowLabels(bands, windows);
  const nBw = bandWindows.length;
  const { nEpochs, nChannels, nTimes, nStimuli } = inputs;
  const nLayers = inputs.trained.length;

  // 1. Brain features, all contacts (the FDR of responsiveness is across contacts).
  let features = await loadFeatures(hooks.state, nChannels, nBw, nStimuli);
  if (!features) {
    const nThreads = Math.max(1, Math.min(hooks.threads, nChannels));
    const per = Math.ceil(nChannels / nThreads);
    const done = new Float64Array(nThreads);
    const parts = await Promise.all(
      Array.from({ length: nThreads }, (_, t) => {
        const c0 = t * per;
        const c1 = Math.min(nChannels, c0 + per);
        const data = new Float32Array((c1 - c0) * nEpochs * nTimes);
        for (let c = c0; c < c1; c++) {
          for (let e = 0; e < nEpochs; e++) {
            const from = (e * nChannels + c) * nTimes;
            data.set(inputs.epochs.subarray(from, from + nTimes), ((c - c0) * nEpochs + e) * nTimes);
          }
        }
        const task = { data, nContacts: c1 - c0, nTrials: nEpochs, nTimes, sfreq: inputs.sfreq, tmin: inputs.tmin, stimulusOf: inputs.stimulusOf, nStimuli, bands, windows };
        return hooks.run('rsaFeatures', task, (f) => {
          done[t] = f * (c1 - c0);
          hooks.progress((0.3 * done.reduce((a, b) => a + b, 0)) / nChannels, `Band/window responses of ${nChannels} contacts`).catch(() => undefined);
        });
      }),
    );
    features = {
      responses: concat(parts.map((p) => p.responses), Float64Array),
      pValues: concat(parts.map((p) => p.pValues), Float64Array),
      increase: concat(parts.map((p) => p.increase), Uint8Array),
    };
    await hooks.state?.put('features', encodeFeatures(features, nChannels, nBw, nStimuli));
  }

  // 2. Responsive positive per band/window (Wilcoxon, BH FDR q = 0.05 across contacts).
  const selection = responsivePositive(
    Array.from({ length: nChannels }, (_, c) => ({
      pValues: features.pValues.subarray(c * nBw, (c + 1) * nBw),
      increase: features.increase.subarray(c * nBw, (c + 1) * nBw),
    })),
  );
  const responsive = selection.positive;

  // 3. Per band/window: responsive contacts' RDMs against every layer, trained and random, then the hierarchy.
  const rho = { trained: new Float64Array(nBw * nChannels * nLayers).fill(NaN), random: new Float64Array(nBw * nChannels * nLayers).fill(NaN) };
  const p = { trained: new Float64Array(nBw * nChannels * nLayers).fill(NaN), random: new Float64Array(nBw * nChannels * nLayers).fill(NaN) };
  const empty = (): RsaNetworkSummary => ({ alignment: [], score: [], pairCount: [], highLowRatio: [], lowLayers: [], highLayers: [] });
  const networks = { trained: empty(), random: empty() };
  const nResponsive: number[] = [];
  for (let k = 0; k < nBw; k++) {
    const contacts = Array.from({ length: nChannels }, (_, c) => c).filter((c) => responsive[c * nBw + k]);
    nResponsive.push(contacts.length);
    const step = `${bandWindows[k]}: ${contacts.length} responsive contacts x ${nLayers} layers`;
    await hooks.progress(0.3 + (0.65 * k) / nBw, step);
    const stateName = `rsa:${k}`;
    let tested = await loadTests(hooks.state, stateName);
    if (!tested) {
      const responses = new Float64Array(contacts.length * nStimuli);
      contacts.forEach((c, i) => responses.set(features.responses.subarray((c * nBw + k) * nStimuli, (c * nBw + k + 1) * nStimuli), i * nStimuli));
      const fractions = [0, 0];
      const test = (rdms: Float64Array[], net: number) =>
        contacts.length === 0
          ? Promise.resolve({ rho: new Float64Array(0), p: new Float64Array(0) })
          : hooks.run(
              'rsaPermutations',
              { responses, nStimuli, rdms, variant: options.variant, nPermutations: options.nPermutations, seed: options.seed, stopAfter: options.stopAfter },
              (f) => {
                fractions[net] = f;
                hooks.progress(0.3 + (0.65 * (k + (fractions[0]! + fractions[1]!) / 2)) / nBw, step).catch(() => undefined);
              },
            );
      const [trained, random] = await Promise.all([test(inputs.trained, 0), test(inputs.random, 1)]);
      tested = { contacts: Int32Array.from(contacts), trained, random };
      await hooks.state?.put(stateName, encodeTests(tested, nLayers));
    }
    for (const net of ['trained', 'random'] as const) {
      const t = tested[net];
      tested.contacts.forEach((c, i) => {
        rho[net].set(t.rho.subarray(i * nLayers, (i + 1) * nLayers), (k * nChannels + c) * nLayers);
        p[net].set(t.p.subarray(i * nLayers, (i + 1) * nLayers), (k * nChannels + c) * nLayers);
      });
      const h = layerHierarchy(t.rho, t.p, Array.from(tested.contacts, (c) => inputs.regions[c] ?? ''), nLayers, {
        areas: options.areas,
        ...(options.fdrQ !== null ? { fdrQ: options.fdrQ } : { alpha: options.alpha }),
      });
      const s = networks[net];
      s.alignment.push({ rho: finite(h.alignment.rho), p: finite(h.alignment.p), nPairs: h.alignment.nPairs });
      s.score.push(Array.from(h.score));
      s.pairCount.push(Array.from(h.pairCount));
      s.highLowRatio.push(Array.from(h.highLowRatio, finite));
      s.lowLayers = h.lowLayers;
      s.highLayers = h.highLayers;
    }
  }
  await hooks.progress(0.97, 'Storing results');
  return { bands, windows, bandWindows, responsive, nResponsive, rho, p, networks };
}

function concat<T extends Float64Array | Uint8Array>(parts: T[], ctor: { new (n: number): T }): T {
  const out = new ctor(parts.reduce((s, a) => s + a.length, 0));
  let at = 0;
  for (const a of parts) {
    out.set(a as never, at);
    at += a.length;
  }
  return out;
}

function encodeFeatures(f: RsaFeatures, nChannels: number, nBw: number, nStimuli: number): Uint8Array {
  const all = new Float64Array(nChannels * nBw * (nStimuli + 2));
  all.set(f.responses, 0);
  all.set(f.pValues, nChannels * nBw * nStimuli);
  all.set(Float64Array.from(f.increase), nChannels * nBw * (nStimuli + 1));
  return encodeArray(ndarray('float64', all, [nChannels * nBw * (nStimuli + 2)], ['values']));
}

async function loadFeatures(state: RsaState | undefined, nChannels: number, nBw: number, nStimuli: number): Promise<RsaFeatures | null> {
  const bytes = await state?.get('features');
  if (!bytes) return null;
  const all = decodeArray(bytes).data as Float64Array;
  const n = nChannels * nBw;
  return { responses: all.slice(0, n * nStimuli), pValues: all.slice(n * nStimuli, n * (nStimuli + 1)), increase: Uint8Array.from(all.subarray(n * (nStimuli + 1))) };
}

interface Tests {
  contacts: Int32Array;
  trained: { rho: Float64Array; p: Float64Array };
  random: { rho: Float64Array; p: Float64Array };
}

function encodeTests(t: Tests, nLayers: number): Uint8Array {
  const n = t.contacts.length;
  const all = new Float64Array(n * (1 + 4 * nLayers));
  all.set(Float64Array.from(t.contacts), 0);
  [t.trained.rho, t.trained.p, t.random.rho, t.random.p].forEach((a, i) => all.set(a, n + i * n * nLayers));
  return encodeArray(ndarray('float64', all, [n, 1 + 4 * nLayers], ['contacts', 'values']));
}

async function loadTests(state: RsaState | undefined, name: string): Promise<Tests | null> {
  const bytes = await state?.get(name);
  if (!bytes) return null;
  const { data, shape } = decodeArray(bytes);
  const [n, width] = shape as [number, number];
  const nLayers = (width - 1) / 4;
  const all = data as Float64Array;
  const part = (i: number) => all.slice(n + i * n * nLayers, n + (i + 1) * n * nLayers);
  return { contacts: Int32Array.from(all.subarray(0, n)), trained: { rho: part(0), p: part(1) }, random: { rho: part(2), p: part(3) } };
}

/** The stored summary of a result: what the pages, downloads and CLI outputs read. */
export function rsaSummary(
  result: RsaResult,
  options: RsaOptions & Pick<RsaParams, 'controlSeed'>,
  about: Pick<RsaSummary, 'layers' | 'stimuli' | 'contacts' | 'model'>,
): RsaSummary {
  return {
    kind: 'rsa',
    bands: result.bands.map((b) => b.name),
    windows: result.windows.map(([a, b]) => [a, b]),
    bandWindows: result.bandWindows,
    areas: [...options.areas],
    nResponsive: result.nResponsive,
    networks: result.networks,
    nPermutations: options.nPermutations,
    stopAfter: options.stopAfter,
    variant: options.variant,
    alpha: options.alpha,
    fdrQ: options.fdrQ,
    ...about,
  };
}
