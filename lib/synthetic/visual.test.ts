import { describe, expect, it } from 'vitest';
import { LEVEL2_BANDS, bandResponses, bandWindowLabels, euclideanRdm, layerHierarchy, permutationTestContacts } from '../rsa';
import { pickContact } from '../signatures/features';
import { normCdf, normIsf } from '../stats/normal';
import {
  DEFAULT_STIMULUS_CATEGORIES,
  Rng,
  VISUAL_GENERATOR,
  defaultIeegContacts,
  generateHierarchyEpochs,
  generateStimuli,
  layerDrive,
  visualControlSeeds,
  type LayerRepresentation,
} from './index';

/** Mean colour of each cell of a 4 x 4 grid: a coarse, model-free summary of an image (48 values). */
function gridColours(pixels: Uint8Array, width: number, height: number): Float32Array {
  const out = new Float32Array(48);
  const counts = new Float32Array(16);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const cell = Math.floor((4 * j) / height) * 4 + Math.floor((4 * i) / width);
      counts[cell]++;
      for (let ch = 0; ch < 3; ch++) out[3 * cell + ch] += pixels[3 * (j * width + i) + ch];
    }
  }
  return out.map((v, k) => v / counts[Math.floor(k / 3)]);
}

/**
 * Random but fixed activations: a few stimulus factors with a falling spectrum per layer, independent between
 * layers, so each layer has its own RDM and a leading principal component.
 */
function randomLayers(seed: number, nStimuli: number, nLayers: number, nFeatures: number): LayerRepresentation[] {
  const rng = new Rng(seed);
  return Array.from({ length: nLayers }, (_, l) => {
    const data = new Float32Array(nStimuli * nFeatures);
    for (let k = 0; k < 4; k++) {
      const z = Array.from({ length: nStimuli }, () => rng.gaussian());
      const u = Array.from({ length: nFeatures }, () => rng.gaussian());
      const s = 1 / (k + 1) ** 1.5;
      for (let i = 0; i < nStimuli; i++) for (let f = 0; f < nFeatures; f++) data[i * nFeatures + f] += s * z[i] * u[f];
    }
    return { layer: `layer${l}`, features: nFeatures, data };
  });
}

describe('stimulus images', () => {
  const set = generateStimuli({ seed: 4, perCategory: 8, width: 48, height: 40 });
  const size = 48 * 40 * 3;

  it('are five categories in order, RGB height x width, named by category', () => {
    expect(set.categories).toEqual([...DEFAULT_STIMULUS_CATEGORIES]);
    expect(set.pixels).toHaveLength(40 * size);
    expect(Array.from(set.labels.subarray(6, 10))).toEqual([0, 0, 1, 1]);
    expect(set.names[8]).toBe('face_01');
    expect(generateStimuli({ categories: ['tool'], perCategory: 1 }).pixels).toHaveLength(224 * 224 * 3);
  });

  it('are the same for the same seed, and an image does not depend on the other categories', () => {
    // Buffer.equals: vitest's deep equality walks typed arrays element by element, slowly.
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
    expect(same(generateStimuli({ seed: 4, perCategory: 8, width: 48, height: 40 }).pixels, set.pixels)).toBe(true);
    const faces = generateStimuli({ seed: 4, categories: ['face'], perCategory: 8, width: 48, height: 40 });
    expect(same(faces.pixels, set.pixels.subarray(8 * size, 16 * size))).toBe(true);
    expect(same(generateStimuli({ seed: 5, perCategory: 8, width: 48, height: 40 }).pixels, set.pixels)).toBe(false);
  });

  it('differ within a category and are closer within a category than between categories', () => {
    const n = set.labels.length;
    const coarse = new Float32Array(n * 48);
    for (let i = 0; i < n; i++) coarse.set(gridColours(set.pixels.subarray(i * size, (i + 1) * size), 48, 40), i * 48);
    const rdm = euclideanRdm(coarse, n, 48);
    let k = 0;
    const within = [0, 0, 0, 0, 0];
    const between = [0, 0, 0, 0, 0];
    const counts = [
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ];
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++, k++) {
        expect(rdm[k]).toBeGreaterThan(0);
        for (const c of [set.labels[i], set.labels[j]]) {
          if (set.labels[i] === set.labels[j]) {
            within[c] += rdm[k] / 2;
            counts[0][c] += 0.5;
          } else {
            between[c] += rdm[k] / 2;
            counts[1][c] += 0.5;
          }
        }
      }
    }
    for (let c = 0; c < 5; c++) expect(within[c] / counts[0][c]).toBeLessThan(between[c] / counts[1][c]);
  });

  it('rejects unknown categories and bad sizes', () => {
    expect(() => generateStimuli({ categories: ['car'] })).toThrow(/car/);
    expect(() => generateStimuli({ width: 0 })).toThrow(/width/);
  });
});

describe('layer drive', () => {
  it('pc1 recovers a planted stimulus factor; both projections map to 0..1', () => {
    const n = 30;
    const d = 10;
    const rng = new Rng(8);
    const z = Array.from({ length: n }, () => rng.gaussian());
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = 3 * z[i] + 0.05 * rng.gaussian();
    const layer = { layer: 'x', features: d, data };
    const pc1 = layerDrive(layer, 'pc1', new Rng(1));
    // Every feature loads on z with the same sign, so the oriented score rises with z: Phi of z's z-scores.
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    pc1.forEach((u, i) => expect(u).toBeCloseTo(normCdf((z[i] - mean) / sd), 2));
    for (const drive of [pc1, layerDrive(layer, 'random', new Rng(1))]) {
      expect(drive.every((u) => u > 0 && u < 1)).toBe(true);
    }
    expect(() => layerDrive({ layer: 'flat', features: 2, data: new Float32Array(8).fill(1) }, 'pc1', new Rng(1))).toThrow(/vary/);
  });
});

describe('layer-specific drives', () => {
  it('plant what a layer does not share with the rest of the network (specificity), or its PC1 (0)', () => {
    const n = 60;
    const d = 12;
    const rng = new Rng(5);
    const gauss = () => Array.from({ length: n }, () => rng.gaussian());
    // A strong factor in every layer (like image brightness) and a weaker one of each layer's own.
    const shared = gauss();
    const own = [gauss(), gauss(), gauss()];
    // Half the features carry the shared factor, half the layer's own, so it is the same share in every layer.
    const layers = own.map((z, l) => {
      const data = new Float32Array(n * d);
      for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = (f < d / 2 ? 2 * shared[i] : z[i]) + 0.05 * rng.gaussian();
      return { layer: `layer${l}`, features: d, data };
    });
    const corr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      const x = Array.from(a, (v) => normIsf(v));
      const ma = x.reduce((s, v) => s + v, 0) / n;
      const mb = Array.from(b).reduce((s, v) => s + v, 0) / n;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < n; i++) {
        sab += (x[i] - ma) * (b[i] - mb);
        saa += (x[i] - ma) ** 2;
        sbb += (b[i] - mb) ** 2;
      }
      return Math.abs(sab / Math.sqrt(saa * sbb));
    };
    const contacts = defaultIeegContacts(3).filter((c) => c.region === 'BA17').slice(0, 1);
    const drive = (specificity: number) => generateHierarchyEpochs(layers, { seed: 3, contacts, specificity }).hierarchy.drive;
    // Layer 2 is two away from layer 0, which shares the strong factor: the specific drive follows its own factor.
    const specific = drive(1).subarray(2 * n, 3 * n);
    expect(corr(specific, own[2])).toBeGreaterThan(0.9);
    expect(corr(specific, shared)).toBeLessThan(0.3);
    const plain = drive(0).subarray(2 * n, 3 * n);
    expect(corr(plain, shared)).toBeGreaterThan(0.9);
  });
});

describe('drives contrasted with control networks', () => {
  it('avoid what a control network shares with the layer, and skip a control equal to the layer', () => {
    const n = 60;
    const d = 12;
    const rng = new Rng(6);
    const gauss = () => Array.from({ length: n }, () => rng.gaussian());
    // Layer 1 carries a factor a random network would share (strong) and one of its own (weaker); layer 0 is the
    // input, which the control network has too.
    const generic = gauss();
    const own = gauss();
    const input = gauss();
    const layer = (parts: [number, number[]][]) => {
      const data = new Float32Array(n * d);
      for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = parts[f % parts.length][0] * parts[f % parts.length][1][i] + 0.05 * rng.gaussian();
      return data;
    };
    const layers: LayerRepresentation[] = [
      { layer: 'pixels', features: d, data: layer([[1, input]]) },
      { layer: 'trained', features: d, data: layer([[2, generic], [1, own]]) },
    ];
    const control = [euclideanRdm(layers[0].data, n, d), euclideanRdm(layer([[2, generic]]), n, d)];
    const contacts = defaultIeegContacts(3).filter((c) => c.region === 'BA17').slice(0, 1);
    const corr = (u: ArrayLike<number>, z: number[]) => {
      const x = Array.from(u, (v) => normIsf(v));
      const mx = x.reduce((a, b) => a + b, 0) / n;
      const mz = z.reduce((a, b) => a + b, 0) / n;
      let sxz = 0;
      let sxx = 0;
      let szz = 0;
      for (let i = 0; i < n; i++) {
        sxz += (x[i] - mx) * (z[i] - mz);
        sxx += (x[i] - mx) ** 2;
        szz += (z[i] - mz) ** 2;
      }
      return Math.abs(sxz / Math.sqrt(sxx * szz));
    };
    const run = (withControl: boolean) => generateHierarchyEpochs(layers, { seed: 3, contacts, areaLayers: [1], areas: ['BA17'], ...(withControl ? { control } : {}) }).hierarchy;
    const plain = run(false);
    const contrasted = run(true);
    expect(corr(plain.drive.subarray(n, 2 * n), generic)).toBeGreaterThan(0.9);
    expect(corr(contrasted.drive.subarray(n, 2 * n), own)).toBeGreaterThan(0.9);
    expect(corr(contrasted.drive.subarray(n, 2 * n), generic)).toBeLessThan(0.3);
    expect([contrasted.nControl, contrasted.controlSpecificity]).toEqual([2, 2]);
    // The input layer is not contrasted with its own copy in the control: only with the other control layer, which
    // does not carry the input's factor, so its drive still follows the input.
    expect(corr(contrasted.drive.subarray(0, n), input)).toBeGreaterThan(0.9);
    expect(() => generateHierarchyEpochs(layers, { contacts, control: [new Float64Array(3)] })).toThrow(/control RDM/);
  });

  it('draws control seeds of its own: fixed per seed, distinct, away from small analysis seeds', () => {
    const seeds = visualControlSeeds(1);
    expect(seeds).toEqual(visualControlSeeds(1));
    expect(seeds).toHaveLength(4);
    expect(new Set(seeds).size).toBe(4);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 1000 && s < 2 ** 31)).toBe(true);
    expect(visualControlSeeds(2)).not.toEqual(seeds);
  });
});

describe('hierarchy epochs', () => {
  const N = 60;
  const L = 9;
  const layers = randomLayers(11, N, L, 24);
  const all = defaultIeegContacts(3);
  // Two contacts in each area of the ventral stream, two elsewhere.
  const contacts = ['BA17', 'BA18', 'BA19', 'BA37', 'BA20', 'other'].flatMap((a) => all.filter((c) => c.region === a).slice(0, 2));
  const labels = Int32Array.from({ length: N }, (_, i) => Math.floor(i / 12));

  it('plants contact -> area -> layer, spreading five areas over nine layers', () => {
    const ep = generateHierarchyEpochs(layers, { seed: 3, contacts: contacts.slice(0, 3), categories: [...DEFAULT_STIMULUS_CATEGORIES], labels });
    expect(ep.hierarchy.generator).toBe(VISUAL_GENERATOR);
    expect(ep.hierarchy.areaLayers).toEqual([0, 2, 4, 6, 8]);
    expect(ep.hierarchy.contacts.map((c) => [c.contact, c.area, c.layerName])).toEqual([
      [contacts[0].name, 'BA17', 'layer0'],
      [contacts[1].name, 'BA17', 'layer0'],
      [contacts[2].name, 'BA18', 'layer2'],
    ]);
    expect(Array.from(ep.labels)).toEqual(Array.from(labels));
    expect(ep.hierarchy.drive).toHaveLength(L * N);
    expect(ep.groundTruth.effects).toEqual([]);
    expect(() => generateHierarchyEpochs(layers, { areaLayers: [0, 1] })).toThrow(/areaLayers/);
    expect(() => generateHierarchyEpochs([layers[0], { ...layers[1], data: layers[1].data.subarray(24) }])).toThrow(/stimuli/);
  });

  it('brain features + RSA find layer k in the gamma band of area k, nothing in theta', () => {
    const ep = generateHierarchyEpochs(layers, { seed: 3, contacts });
    const bands = LEVEL2_BANDS.filter((b) => b.name === 'theta' || b.name === 'high gamma');
    const labelsBw = bandWindowLabels(bands);
    const features = contacts.map((_, ch) => {
      const { data } = pickContact(ep.data, N, contacts.length, ep.nTimes, ch);
      // Two or three wavelets per 10 Hz sub-bin are plenty here and keep the test fast.
      return bandResponses(data, ep.nTimes, ep.sfreq, ep.tmin, { bands, freqStep: 5 });
    });
    const models = layers.map((l) => euclideanRdm(l.data, N, l.features));
    const areas = contacts.map((c) => c.region);
    labelsBw.forEach((label, k) => {
      const responses = new Float64Array(contacts.length * N);
      features.forEach((f, c) => {
        for (let i = 0; i < N; i++) responses[c * N + i] = f.responses[i * labelsBw.length + k];
      });
      // 499 permutations reach p = 0.002; early stopping lets the null pairs end after a few dozen.
      const tests = permutationTestContacts(responses, N, models, { nPermutations: 499, seed: 2, stopAfter: 5 });
      const h = layerHierarchy(tests.rho, tests.p, areas, L, { alpha: 0.002 });
      const rho = contacts.map((_, c) => Array.from(tests.rho.subarray(c * L, (c + 1) * L)));
      if (label.startsWith('high gamma')) {
        for (const truth of ep.hierarchy.contacts) {
          const r = rho[truth.contactIndex];
          expect(r[truth.layer], `${label} ${truth.contact}`).toBeGreaterThan(0.3);
          expect(r.indexOf(Math.max(...r))).toBe(truth.layer);
        }
        expect(h.alignment.nPairs).toBeGreaterThanOrEqual(6);
        expect(h.alignment.rho).toBeGreaterThan(0.9);
      } else {
        const mean = rho.flat().reduce((s, v) => s + Math.abs(v), 0) / (contacts.length * L);
        expect(mean, label).toBeLessThan(0.08);
        expect(h.alignment.nPairs, label).toBeLessThanOrEqual(1);
      }
    });
  });
});
