/**
 * A stimulus set attached to an epochs dataset, without tables of its own: datasets.blobs.stimuli is a JSON manifest
 * (the mapping, and each image as a blob of its own, so equal images are stored once) and
 * datasets.blobs.stimulusOfEpoch an int32 array, the image each epoch showed (index into the manifest's images).
 */
import { decodeArray, encodeArray, ndarray } from '@/lib/arrays';
import { readStimulusSet, readStimulusZip, trialImages, type StimulusFile, type StimulusImage, type StimulusSet } from '@/lib/stimuli';
import type { BlobStore } from '@/server/storage/blobs';

export interface StimulusManifest {
  version: 1;
  mapping: StimulusSet['mapping'];
  images: (Omit<StimulusImage, 'bytes'> & { key: string })[];
  /** Key value (event code, label or trial index) -> image index. */
  imageOf: [string, number][];
}

/** What identifies each epoch to a mapping: its category label; for 'trial' keys only the count matters. */
export function trialKeys(labels: Int32Array, categories: readonly string[]): string[] {
  return Array.from(labels, (l) => categories[l] ?? String(l));
}

/** Checks that every epoch has an image (trialImages throws a StimulusSetError naming each one), then stores the set. */
export async function storeStimulusSet(blobs: BlobStore, set: StimulusSet, trials: readonly string[]) {
  const stimulusOfEpoch = trialImages(set, trials);
  const images = await Promise.all(set.images.map(async ({ bytes, ...image }) => ({ ...image, key: (await blobs.put(bytes)).key })));
  const manifest: StimulusManifest = { version: 1, mapping: set.mapping, images, imageOf: [...set.imageOf] };
  const [stimuli, ofEpoch] = await Promise.all([
    blobs.put(new TextEncoder().encode(JSON.stringify(manifest))),
    blobs.put(encodeArray(ndarray('int32', stimulusOfEpoch, [stimulusOfEpoch.length], ['epochs']))),
  ]);
  return { stimuli: stimuli.key, stimulusOfEpoch: ofEpoch.key, nImages: images.length };
}

/** The attached set back as a StimulusSet (images read from blobs) and the image of each epoch. */
export async function loadStimulusSet(blobs: BlobStore, keys: { stimuli: string; stimulusOfEpoch: string }) {
  const manifest = JSON.parse((await blobs.get(keys.stimuli)).toString('utf8')) as StimulusManifest;
  const images = await Promise.all(manifest.images.map(async ({ key, ...image }) => ({ ...image, bytes: new Uint8Array(await blobs.get(key)) })));
  const set: StimulusSet = { mapping: manifest.mapping, images, imageOf: new Map(manifest.imageOf), unused: [] };
  const stimulusOfEpoch = decodeArray(await blobs.get(keys.stimulusOfEpoch)).data as Int32Array;
  return { set, stimulusOfEpoch, sha256: keys.stimuli };
}

/**
 * The analysis order of the images the epochs showed: by category (the label of the first epoch showing the image),
 * then by first showing, as the paper orders its RDMs; and each epoch's stimulus in that order (-1: none).
 */
export function stimulusOrder(stimulusOfEpoch: Int32Array, labels: Int32Array, nImages: number) {
  const first = new Int32Array(nImages).fill(-1);
  stimulusOfEpoch.forEach((img, e) => {
    if (img >= 0 && first[img] < 0) first[img] = e;
  });
  const images = Array.from({ length: nImages }, (_, i) => i)
    .filter((i) => first[i] >= 0)
    .sort((a, b) => labels[first[a]] - labels[first[b]] || first[a] - first[b]);
  const rank = new Int32Array(nImages).fill(-1);
  images.forEach((img, r) => (rank[img] = r));
  return {
    images,
    category: Int32Array.from(images, (i) => labels[first[i]]),
    stimulusOf: Int32Array.from(stimulusOfEpoch, (img) => (img >= 0 ? rank[img] : -1)),
  };
}

/**
 * A stimulus set from uploaded or local files: one zip (its CSV inside, or the one CSV beside it), or images plus
 * one mapping CSV. Throws a StimulusSetError (every problem) or an Error saying what is missing.
 */
export async function readStimulusFiles(files: readonly StimulusFile[]): Promise<StimulusSet> {
  const zips = files.filter((f) => /\.zip$/i.test(f.name));
  const csvs = files.filter((f) => /\.csv$/i.test(f.name));
  if (csvs.length > 1) throw new Error(`Give one mapping CSV, found ${csvs.length}: ${csvs.map((c) => c.name).join(', ')}`);
  if (zips.length > 1) throw new Error(`Give one zip of images, found ${zips.length}: ${zips.map((z) => z.name).join(', ')}`);
  if (zips.length === 1) {
    const zip = zips[0]!;
    const source = { name: zip.name, size: zip.bytes.length, read: async (offset: number, length: number) => zip.bytes.subarray(offset, offset + length) };
    return readStimulusZip(source, csvs[0]);
  }
  if (!csvs[0]) throw new Error('Give the mapping CSV (columns file and one of event_code, label, trial) with the images');
  return readStimulusSet(
    files.filter((f) => f !== csvs[0]),
    csvs[0],
  );
}
