/**
 * A stimulus set: the images shown in an experiment (PNG or JPEG) and, through the mapping CSV (mapping.ts),
 * which image each trial showed. Read from a list of named files or from a zip; every image the mapping names
 * must be present and decode completely. Decoding uses sharp, so this runs on the server.
 */
import sharp from 'sharp';
import { decodeText, shown } from '../formats/bytes';
import { FormatError, type ByteSource } from '../formats/types';
import { listZip, readZipEntry } from '../formats/zip';
import { StimulusSetError, parseStimulusMapping, type StimulusMapping } from './mapping';

export interface StimulusFile {
  /** Path in the zip, or the name the file was uploaded with. */
  name: string;
  bytes: Uint8Array;
}

export interface StimulusImage {
  file: string;
  format: 'png' | 'jpeg';
  /** As stored (an EXIF orientation is not applied: presentation software such as PsychoPy ignores it too). */
  width: number;
  height: number;
  bytes: Uint8Array;
}

export interface StimulusSet {
  mapping: StimulusMapping;
  /** The images the mapping names, in the order of their first row. */
  images: StimulusImage[];
  /** Index into `images` of each key value (event code, label or trial index, as in `MappingRow.key`). */
  imageOf: Map<string, number>;
  /** PNG/JPEG files present but named by no row (not decoded). */
  unused: string[];
}

const IMAGE_NAME = /\.(png|jpe?g)$/i;

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Folders and files that archivers add and nobody means as stimuli. */
function isClutter(path: string): boolean {
  const base = baseName(path);
  return path.endsWith('/') || path.startsWith('__MACOSX/') || base.startsWith('.') || base === 'Thumbs.db';
}

/**
 * Checks the mapping against the files and decodes every image it names.
 * `container` names where the files came from in messages (the zip's name, or 'the uploaded files').
 */
export async function readStimulusSet(files: readonly StimulusFile[], csv: StimulusFile, container = 'the uploaded files'): Promise<StimulusSet> {
  // Spreadsheets on Windows save CSV as cp1252: decodeText falls back to Latin-1 when the bytes aren't UTF-8.
  const mapping = parseStimulusMapping(csv.name, decodeText(csv.bytes));
  const problems: FormatError[] = [];

  const byPath = new Map<string, StimulusFile>();
  const byBase = new Map<string, StimulusFile[]>();
  for (const f of files) {
    const path = f.name.replace(/\\/g, '/');
    if (byPath.has(path)) {
      problems.push(new FormatError(container, `file ${shown(path)}`, 'expected unique file names, found this name twice'));
      continue;
    }
    byPath.set(path, f);
    const list = byBase.get(baseName(path));
    if (list) list.push(f);
    else byBase.set(baseName(path), [f]);
  }

  const resolve = (name: string, line: number): StimulusFile | undefined => {
    const path = name.replace(/\\/g, '/').replace(/^\.\//, '');
    const exact = byPath.get(path);
    if (exact) return exact;
    const where = `line ${line}`;
    const sameBase = path.includes('/') ? [] : (byBase.get(path) ?? []);
    if (sameBase.length === 1) return sameBase[0];
    if (sameBase.length > 1) {
      problems.push(new FormatError(mapping.csv, where, `expected one image named ${shown(path)} in ${container}, found ${sameBase.length} (${sameBase.map((f) => f.name).join(', ')}): give the path`));
      return undefined;
    }
    const lower = path.toLowerCase();
    const near = [...byPath.keys()].find((p) => p.toLowerCase() === lower || (!path.includes('/') && baseName(p).toLowerCase() === lower));
    problems.push(new FormatError(mapping.csv, where, `expected an image named ${shown(path)} in ${container}, found none${near ? ` (did you mean ${shown(near)}?)` : ''}`));
    return undefined;
  };

  const fileIndex = new Map<StimulusFile, number>();
  const used: { file: StimulusFile; line: number }[] = [];
  const imageOf = new Map<string, number>();
  for (const row of mapping.rows) {
    const f = resolve(row.file, row.line);
    if (!f) continue;
    let k = fileIndex.get(f);
    if (k === undefined) {
      k = used.length;
      fileIndex.set(f, k);
      used.push({ file: f, line: row.line });
    }
    imageOf.set(row.key, k);
  }

  const decoded = await Promise.all(used.map(({ file, line }) => decodeStimulus(file, `named on ${mapping.csv} line ${line}`)));
  const images: StimulusImage[] = [];
  for (const d of decoded) {
    if (d instanceof FormatError) problems.push(d);
    else images.push(d);
  }
  if (problems.length > 0) throw new StimulusSetError(problems);
  const unused = [...byPath.keys()].filter((p) => IMAGE_NAME.test(p) && !fileIndex.has(byPath.get(p)!));
  return { mapping, images, imageOf, unused };
}

/**
 * A stimulus set from a zip of images. The mapping CSV is `csv` when given, else the one .csv file in the zip.
 * Folders, macOS resource forks and hidden files in the zip are ignored.
 */
export async function readStimulusZip(zip: ByteSource, csv?: StimulusFile): Promise<StimulusSet> {
  const entries = (await listZip(zip)).filter((e) => !isClutter(e.name));
  const csvEntries = entries.filter((e) => /\.csv$/i.test(e.name));
  let mappingFile = csv;
  if (!mappingFile) {
    if (csvEntries.length !== 1) {
      const found = csvEntries.length === 0 ? 'none' : `${csvEntries.length} (${csvEntries.map((e) => e.name).join(', ')})`;
      throw new StimulusSetError([new FormatError(zip.name, 'mapping CSV', `expected one .csv file in the zip or a separate one, found ${found}`)]);
    }
    mappingFile = { name: csvEntries[0].name, bytes: await readZipEntry(zip, csvEntries[0]) };
  }
  const members = entries.filter((e) => !csvEntries.includes(e));
  const files = await Promise.all(members.map(async (e) => ({ name: e.name, bytes: await readZipEntry(zip, e) })));
  return readStimulusSet(files, mappingFile, zip.name);
}

/** Format and size of one image, checking that all of it decodes; a FormatError (returned) says what failed. */
async function decodeStimulus(file: StimulusFile, where: string): Promise<StimulusImage | FormatError> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(file.bytes).metadata();
  } catch (err) {
    return new FormatError(file.name, where, `expected a PNG or JPEG image, found data that is neither (${(err as Error).message})`);
  }
  if (meta.format !== 'png' && meta.format !== 'jpeg') {
    return new FormatError(file.name, where, `expected a PNG or JPEG image, found ${meta.format.toUpperCase()}`);
  }
  try {
    // Headers can be intact while the pixel data is cut short: only decoding it all tells (into a thumbnail, so
    // a large photo costs no large buffer).
    await sharp(file.bytes).resize(8, 8, { fit: 'fill' }).raw().toBuffer();
  } catch (err) {
    // libvips sometimes reports the decoder's own warning and sometimes only that a warning became an error.
    const detail = /failOn/.test((err as Error).message) ? 'truncated or corrupt pixel data' : (err as Error).message;
    return new FormatError(file.name, where, `expected a complete ${meta.format.toUpperCase()} image, found one that does not decode (${detail})`);
  }
  return { file: file.name, format: meta.format, width: meta.width, height: meta.height, bytes: file.bytes };
}

/**
 * The image each trial showed (index into `set.images`). `trials` holds every trial's event code or label as
 * the epochs give them; for a mapping keyed by 'trial' only their number matters. Throws a StimulusSetError
 * listing every trial without a row, and (for 'trial' keys) every row past the last trial.
 */
export function trialImages(set: StimulusSet, trials: readonly (string | number)[]): Int32Array {
  const { key, csv } = set.mapping;
  const problems: FormatError[] = [];
  const out = new Int32Array(trials.length);
  if (key === 'trial') {
    for (const row of set.mapping.rows) {
      if (Number(row.key) >= trials.length) {
        problems.push(new FormatError(csv, `line ${row.line}`, `expected a trial index below ${trials.length} (the number of trials), found ${row.key}`));
      }
    }
  }
  trials.forEach((t, i) => {
    const value = key === 'trial' ? String(i) : key === 'event_code' ? eventCodeText(t) : String(t);
    const k = set.imageOf.get(value);
    if (k === undefined) problems.push(new FormatError(csv, `trial ${i}`, `expected a row with ${key} ${shown(value)}, found none`));
    else out[i] = k;
  });
  if (problems.length > 0) throw new StimulusSetError(problems);
  return out;
}

/** Event codes compare as integers ('007' and 7 are the same trigger). */
function eventCodeText(v: string | number): string {
  const s = String(v).trim();
  return /^\+?\d+$/.test(s) ? String(Number(s)) : s;
}
