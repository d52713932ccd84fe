/**
 * Seeded classification data with a planted answer, generated bit-identically by
 * scripts/reference/forest_reference.py, so the TypeScript forest and scikit-learn can be compared on the same
 * matrix without shipping it. Only xorshift32 and +, -, * on doubles are used (IEEE-exact in both languages).
 *
 * Sample i has class i % nClasses. Every value is approximately standard normal (Irwin-Hall of 4 uniforms);
 * features [c * nInformative, (c + 1) * nInformative) get `shift` added for samples of class c.
 */
export interface PlantedOptions {
  nSamples: number;
  nFeatures: number;
  nClasses: number;
  /** Informative features per class (class c owns a block of them). */
  nInformative: number;
  /** Mean shift of a class's own features, in noise SDs. */
  shift: number;
  /** Non-zero 32-bit seed. */
  seed: number;
}

export interface PlantedData {
  /** Row-major nSamples x nFeatures. */
  X: Float32Array;
  y: Int32Array;
}

const SQRT3 = 1.7320508075688772;

export function plantedDataset(o: PlantedOptions): PlantedData {
  if (o.nClasses * o.nInformative > o.nFeatures) throw new Error('plantedDataset: informative blocks exceed nFeatures');
  let s = o.seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const X = new Float32Array(o.nSamples * o.nFeatures);
  const y = new Int32Array(o.nSamples);
  for (let i = 0; i < o.nSamples; i++) {
    const c = i % o.nClasses;
    y[i] = c;
    const lo = c * o.nInformative;
    const hi = lo + o.nInformative;
    for (let j = 0; j < o.nFeatures; j++) {
      let x = (uniform() + uniform() + uniform() + uniform() - 2) * SQRT3;
      if (j >= lo && j < hi) x += o.shift;
      X[i * o.nFeatures + j] = x;
    }
  }
  return { X, y };
}
