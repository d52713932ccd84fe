/** Region labels of MNI coordinates from label volumes (AAL, Brodmann, Harvard-Oxford) and their name tables. */
import { applyAffine, inVolume, readNifti, voxelToWorld, voxelValue, type NiftiVolume, type Vec3 } from './nifti';

export type LabelNames = ReadonlyMap<number, string>;

export interface LabelAtOptions {
  /** How far (mm) to look for the nearest labelled voxel when the point itself is unlabelled. Default 5. */
  maxDistanceMm?: number;
  /** Names for the volume's values; without one, `name` is null. */
  names?: LabelNames;
}

export interface LabelHit {
  /** The stored label value (atlas index). */
  value: number;
  name: string | null;
  /** 0 when the point's own voxel is labelled, else the distance (mm) from the point to the labelled voxel's centre. */
  distanceMm: number;
  voxel: Vec3;
  /** World (mm) coordinates of that voxel's centre. */
  voxelMni: Vec3;
}

/**
 * The label at an MNI point: the value of the voxel containing it, or, when that is 0 (unlabelled) or outside the
 * volume, the nearest labelled voxel within maxDistanceMm. Null when none is that close.
 */
export function labelAt(volume: NiftiVolume, mni: readonly number[], options: LabelAtOptions = {}): LabelHit | null {
  const maxD = options.maxDistanceMm ?? 5;
  const names = options.names;
  const hit = (voxel: Vec3, distanceMm: number): LabelHit => {
    const value = voxelValue(volume, voxel);
    return { value, name: names?.get(value) ?? null, distanceMm, voxel, voxelMni: voxelToWorld(volume, voxel) };
  };
  const f = applyAffine(volume.inverse, mni);
  const own: Vec3 = [Math.round(f[0]), Math.round(f[1]), Math.round(f[2])];
  if (inVolume(volume, own) && voxelValue(volume, own) !== 0) return hit(own, 0);
  if (!(maxD > 0)) return null;

  // Search a voxel box that surely covers the sphere: the radius divided by each axis's voxel size.
  const a = volume.affine;
  const [nx, ny, nz] = volume.header.dims;
  const reach = [0, 1, 2].map((col) => Math.ceil(maxD / Math.hypot(a[0][col], a[1][col], a[2][col])) + 1);
  const lo = own.map((v, d) => Math.max(0, v - reach[d]));
  const hi = [nx, ny, nz].map((n, d) => Math.min(n - 1, own[d] + reach[d]));
  let best: Vec3 | null = null;
  let bestD = Infinity;
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      for (let i = lo[0]; i <= hi[0]; i++) {
        if (voxelValue(volume, [i, j, k]) === 0) continue;
        const w = voxelToWorld(volume, [i, j, k]);
        const d = Math.hypot(w[0] - mni[0], w[1] - mni[1], w[2] - mni[2]);
        if (d < bestD) {
          bestD = d;
          best = [i, j, k];
        }
      }
    }
  }
  return best && bestD <= maxD ? hit(best, bestD) : null;
}

/** AAL names from aal.nii.txt ('1 Precentral_L 2001': volume value, name, original AAL code). */
export function parseAalLabels(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+(\S+)/.exec(line);
    if (m) names.set(Number(m[1]), m[2]);
  }
  return names;
}

/** Brodmann volumes store the area number: 17 -> 'BA17'. */
export function brodmannName(value: number): string {
  return `BA${value}`;
}

/** Names for the values found in a Brodmann volume ('BA1' ... ), for labelAt. */
export function brodmannLabels(volume: NiftiVolume): Map<number, string> {
  const names = new Map<number, string>();
  for (const v of uniqueLabels(volume)) names.set(v, brodmannName(v));
  return names;
}

/** Distinct non-zero values in a label volume, ascending. */
export function uniqueLabels(volume: NiftiVolume): number[] {
  const seen = new Set<number>();
  for (const v of volume.data) if (v !== 0) seen.add(v);
  return [...seen].sort((a, b) => a - b);
}

/**
 * Harvard-Oxford cortical structures in FSL's order (HarvardOxford-Cortical.xml); the max-probability volume stores
 * index + 1, so value 1 is 'Frontal Pole'.
 */
export const HARVARD_OXFORD_CORTICAL: readonly string[] = [
  'Frontal Pole',
  'Insular Cortex',
  'Superior Frontal Gyrus',
  'Middle Frontal Gyrus',
  'Inferior Frontal Gyrus, pars triangularis',
  'Inferior Frontal Gyrus, pars opercularis',
  'Precentral Gyrus',
  'Temporal Pole',
  'Superior Temporal Gyrus, anterior division',
  'Superior Temporal Gyrus, posterior division',
  'Middle Temporal Gyrus, anterior division',
  'Middle Temporal Gyrus, posterior division',
  'Middle Temporal Gyrus, temporooccipital part',
  'Inferior Temporal Gyrus, anterior division',
  'Inferior Temporal Gyrus, posterior division',
  'Inferior Temporal Gyrus, temporooccipital part',
  'Postcentral Gyrus',
  'Superior Parietal Lobule',
  'Supramarginal Gyrus, anterior division',
  'Supramarginal Gyrus, posterior division',
  'Angular Gyrus',
  'Lateral Occipital Cortex, superior division',
  'Lateral Occipital Cortex, inferior division',
  'Intracalcarine Cortex',
  'Frontal Medial Cortex',
  'Juxtapositional Lobule Cortex (formerly Supplementary Motor Cortex)',
  'Subcallosal Cortex',
  'Paracingulate Gyrus',
  'Cingulate Gyrus, anterior division',
  'Cingulate Gyrus, posterior division',
  'Precuneous Cortex',
  'Cuneal Cortex',
  'Frontal Orbital Cortex',
  'Parahippocampal Gyrus, anterior division',
  'Parahippocampal Gyrus, posterior division',
  'Lingual Gyrus',
  'Temporal Fusiform Cortex, anterior division',
  'Temporal Fusiform Cortex, posterior division',
  'Temporal Occipital Fusiform Cortex',
  'Occipital Fusiform Gyrus',
  'Frontal Operculum Cortex',
  'Central Opercular Cortex',
  'Parietal Operculum Cortex',
  'Planum Polare',
  "Heschl's Gyrus (includes H1 and H2)",
  'Planum Temporale',
  'Supracalcarine Cortex',
  'Occipital Pole',
];

export function harvardOxfordLabels(): Map<number, string> {
  return new Map(HARVARD_OXFORD_CORTICAL.map((name, i) => [i + 1, name]));
}

export type AtlasKind = 'aal' | 'brodmann' | 'harvard-oxford';

export interface Atlas {
  kind: AtlasKind;
  volume: NiftiVolume;
  names: LabelNames;
}

/**
 * An atlas from its volume bytes (.nii / .nii.gz) and, for AAL, the text of aal.nii.txt. Brodmann names come
 * from the values ('BA17'), Harvard-Oxford names from FSL's cortical list.
 */
export function makeAtlas(kind: AtlasKind, niftiBytes: Uint8Array, labelText?: string): Atlas {
  const volume = readNifti(niftiBytes);
  let names: LabelNames;
  if (kind === 'aal') {
    if (labelText === undefined) throw new Error('AAL needs its label list (aal.nii.txt)');
    names = parseAalLabels(labelText);
  } else if (kind === 'brodmann') {
    names = brodmannLabels(volume);
  } else {
    names = harvardOxfordLabels();
  }
  return { kind, volume, names };
}

/** labelAt with the atlas's names. */
export function regionAt(atlas: Atlas, mni: readonly number[], options: Omit<LabelAtOptions, 'names'> = {}): LabelHit | null {
  return labelAt(atlas.volume, mni, { ...options, names: atlas.names });
}
