/**
 * BIDS iEEG/EEG reader, following mne_bids.read_raw_bids: opens the data file of one recording
 * (sub-*\/[ses-*\/](ieeg|eeg)/*_(ieeg|eeg).(edf|bdf|vhdr)) with the EDF or BrainVision reader, then applies the
 * sidecars found by the BIDS inheritance principle: *_channels.tsv (type, units, status), *_electrodes.tsv with
 * *_coordsystem.json (positions in mm, group) and *_events.tsv (annotations).
 * A folder is a list of relative paths plus a resolver; a zip of one is read through its central directory.
 */
import { openBrainVision } from './brainvision';
import { checkSampleRange, decodeText, memorySource, readRange, shown } from './bytes';
import { openEdf, type EdfOptions } from './edf';
import { readElectrodesTsv, Tsv, type TsvRow } from './tsv';
import { listZip, readZipEntry } from './zip';
import { FormatError, type Annotation, type ByteSource, type ChannelInfo, type ChannelType, type RecordingInfo, type RecordingReader, type SiblingResolver } from './types';

/** A BIDS dataset (or part of one): paths relative to its root, '/'-separated, and a way to open them. */
export interface BidsFolder {
  /** Named in errors about the folder as a whole. */
  name: string;
  files: string[];
  resolve: SiblingResolver;
}

export interface BidsOptions extends EdfOptions {
  /** Path (or file name) of the data file to open when the folder holds several recordings. */
  recording?: string;
  /** Which electrodes.tsv to use when there are several spaces (the space-<label> entity). */
  space?: string;
}

export interface BidsReader extends RecordingReader {
  /** Path of the data file inside the folder. */
  readonly dataFile: string;
  /** Paths of the sidecars applied. */
  readonly sidecars: { channels?: string; electrodes?: string; coordsystem?: string; events?: string };
  /** Channels whose status is 'bad' in channels.tsv (MNE's info['bads']). */
  readonly bads: string[];
  /** The reader of the data file itself, before the sidecars. */
  readonly data: RecordingReader;
}

const DATA_FILE = /(^|\/)sub-[^/]+\/(ses-[^/]+\/)?(ieeg|eeg)\/(sub-[^/]*)_(ieeg|eeg)\.(edf|vhdr|bdf|set)$/i;

/** BIDS channel types (channels.tsv 'type') in MNE's vocabulary, as mne_bids maps them. */
const BIDS_TYPES: Record<string, ChannelType> = {
  EEG: 'eeg',
  SEEG: 'seeg',
  ECOG: 'ecog',
  DBS: 'seeg',
  EOG: 'eog',
  HEOG: 'eog',
  VEOG: 'eog',
  ECG: 'ecg',
  EMG: 'emg',
  TRIG: 'stim',
  MISC: 'misc',
  RESP: 'resp',
  GSR: 'bio',
  PPG: 'bio',
  TEMP: 'misc',
  REF: 'eeg',
  SYSCLOCK: 'misc',
  AUDIO: 'misc',
  PD: 'misc',
  EYEGAZE: 'misc',
  PUPIL: 'misc',
};
const VOLT_UNITS: Record<string, number> = { V: 1, mV: 1e-3, uV: 1e-6, 'µV': 1e-6, 'μV': 1e-6, nV: 1e-9 };
const MM_PER_UNIT: Record<string, number> = { m: 1000, cm: 10, mm: 1 };
/** Template spaces that are MNI (or MNI-aligned, like fsaverage): MNE's 'mni_tal'. */
const MNI_SPACES = /^(MNI|ICBM452|IXI549Space|fsaverage)/;

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

const dirname = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

interface BidsName {
  entities: Map<string, string>;
  suffix: string;
  ext: string;
}

/** 'sub-01_ses-1_task-rest_ieeg.edf' -> entities {sub, ses, task}, suffix 'ieeg', extension '.edf'. */
function parseName(name: string): BidsName | null {
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  const ext = dot < 0 ? '' : name.slice(dot).toLowerCase();
  const parts = stem.split('_');
  const suffix = parts.pop() ?? '';
  const entities = new Map<string, string>();
  for (const part of parts) {
    const m = /^([a-zA-Z]+)-([a-zA-Z0-9+]+)$/.exec(part);
    if (!m) return null;
    entities.set(m[1], m[2]);
  }
  return { entities, suffix, ext };
}

/** Data files of every recording in a listing, sorted. */
export function findBidsRecordings(files: string[]): string[] {
  return files
    .map(normalize)
    .filter((f) => DATA_FILE.test(f))
    .sort();
}

/**
 * The sidecar of `of` with this suffix and extension by the inheritance principle: in its folder or one above
 * (down to the dataset root), with entities all among `of`'s (`extra` entities may differ); the deepest, most
 * specific one wins.
 */
function findSidecar(files: string[], of: string, root: string, suffix: string, ext: string, extra: Record<string, string | undefined> = {}): string | undefined {
  const target = parseName(basename(of));
  if (!target) return undefined;
  const dir = dirname(of);
  let best: { path: string; score: number } | undefined;
  for (const f of files) {
    const fdir = dirname(f);
    const aboveData = fdir === '' || fdir === dir || dir.startsWith(`${fdir}/`);
    const inDataset = root === '' || fdir === root || fdir.startsWith(`${root}/`);
    if (!aboveData || !inDataset) continue;
    const name = parseName(basename(f));
    if (!name || name.suffix !== suffix || name.ext !== ext) continue;
    let ok = true;
    for (const [k, v] of name.entities) {
      if (k in extra) ok &&= extra[k] === undefined || extra[k] === v;
      else ok &&= target.entities.get(k) === v;
    }
    if (!ok) continue;
    const score = fdir.split('/').length * 100 + name.entities.size;
    if (!best || score > best.score || (score === best.score && f < best.path)) best = { path: f, score };
  }
  return best?.path;
}

async function readText(folder: BidsFolder, path: string): Promise<string> {
  const src = await folder.resolve(path);
  if (!src) throw new FormatError(path, 'file', `expected the file listed in ${folder.name}, found none`);
  return decodeText(await src.read(0, src.size));
}

async function openData(folder: BidsFolder, path: string, options: EdfOptions): Promise<RecordingReader> {
  const src = await folder.resolve(path);
  if (!src) throw new FormatError(path, 'file', `expected the data file listed in ${folder.name}, found none`);
  // Readers name their errors after the source; make that the path inside the folder.
  const named: ByteSource = { name: path, size: src.size, read: (o, l) => src.read(o, l) };
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'edf' || ext === 'bdf') return openEdf(named, options);
  if (ext === 'vhdr') {
    const dir = dirname(path);
    return openBrainVision(named, async (name) => {
      const sibling = normalize(dir ? `${dir}/${name}` : name);
      const s = await folder.resolve(sibling);
      return s && { name: sibling, size: s.size, read: (o: number, l: number) => s.read(o, l) };
    });
  }
  throw new FormatError(path, 'file name', `expected an EDF, BDF or BrainVision (.vhdr) data file, found an EEGLAB .${ext} file, which this reader does not open`);
}

/** Opens one recording of a BIDS folder with its sidecars applied. */
export async function openBids(folder: BidsFolder, options: BidsOptions = {}): Promise<BidsReader> {
  const files = folder.files.map(normalize);
  const recordings = findBidsRecordings(files);
  let dataFile: string;
  if (options.recording !== undefined) {
    const want = normalize(options.recording);
    const match = recordings.filter((r) => r === want || basename(r) === basename(want));
    if (match.length !== 1) {
      throw new FormatError(folder.name, 'recording', `expected one data file named ${shown(options.recording)}, found ${match.length} among ${recordings.length} recordings`);
    }
    dataFile = match[0];
  } else if (recordings.length === 1) {
    dataFile = recordings[0];
  } else {
    const found = recordings.length === 0 ? `none among ${files.length} files` : `${recordings.length}: ${recordings.join(', ')} (choose one with options.recording)`;
    throw new FormatError(folder.name, 'folder', `expected one data file sub-*/[ses-*/](ieeg|eeg)/*_(ieeg|eeg).(edf|vhdr|bdf|set), found ${found}`);
  }
  const m = DATA_FILE.exec(dataFile) as RegExpExecArray;
  const root = dataFile.slice(0, m.index + m[1].length).replace(/\/$/, '');
  const modality = m[5].toLowerCase() as 'ieeg' | 'eeg';

  const data = await openData(folder, dataFile, options);
  const names = data.info.channels.map((c) => c.name);
  const channels: ChannelInfo[] = data.info.channels.map((c) => ({ ...c }));
  const scales = channels.map(() => 1);
  const lookup = (tsv: Tsv, row: TsvRow, col: number): number => {
    const name = row.cells[col];
    const i = names.indexOf(name);
    if (i < 0) {
      const list = names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
      throw new FormatError(tsv.file, tsv.where(row, col), `expected a channel of ${dataFile} (${names.length} channels: ${list}), found ${shown(name)}`);
    }
    return i;
  };
  const sidecars: BidsReader['sidecars'] = {};
  const bads: string[] = [];

  const channelsFile = findSidecar(files, dataFile, root, 'channels', '.tsv');
  if (channelsFile) {
    sidecars.channels = channelsFile;
    const tsv = new Tsv(channelsFile, await readText(folder, channelsFile));
    const [nameCol, typeCol, unitsCol, statusCol] = [tsv.column('name', true), tsv.column('type'), tsv.column('units'), tsv.column('status')];
    for (const row of tsv.rows) {
      const i = lookup(tsv, row, nameCol);
      const type = tsv.get(row, typeCol);
      if (type !== undefined) {
        const mapped = BIDS_TYPES[type.toUpperCase()];
        if (!mapped) throw new FormatError(channelsFile, tsv.where(row, typeCol), `expected a BIDS channel type (${Object.keys(BIDS_TYPES).join(', ')}), found ${shown(type)}`);
        channels[i].type = mapped;
      }
      const units = tsv.get(row, unitsCol);
      // The readers already give volts where the file states a unit; channels.tsv fills in only where it does not.
      if (units !== undefined && (channels[i].unit === '' || channels[i].unit === 'n/a')) {
        const volts = VOLT_UNITS[units];
        if (volts !== undefined) {
          scales[i] = volts;
          channels[i].unit = 'V';
          if (channels[i].resolution !== undefined) channels[i].resolution = (channels[i].resolution ?? 1) * volts;
        } else channels[i].unit = units;
      }
      const status = tsv.get(row, statusCol);
      if (status !== undefined && !['good', 'bad'].includes(status.toLowerCase())) {
        throw new FormatError(channelsFile, tsv.where(row, statusCol), `expected 'good', 'bad' or 'n/a', found ${shown(status)}`);
      }
      if (status?.toLowerCase() === 'bad') bads.push(names[i]);
    }
  }

  let coordFrame = data.info.coordFrame;
  const electrodesFile = findSidecar(files, dataFile, root, 'electrodes', '.tsv', { space: options.space, acq: undefined });
  if (electrodesFile) {
    sidecars.electrodes = electrodesFile;
    const coordFile = findSidecar(files, electrodesFile, root, 'coordsystem', '.json');
    if (!coordFile) throw new FormatError(electrodesFile, 'file', 'expected a *_coordsystem.json next to it stating the units and space of x, y, z, found none');
    sidecars.coordsystem = coordFile;
    const text = await readText(folder, coordFile);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new FormatError(coordFile, 'JSON', `expected a JSON object, found invalid JSON (${(err as Error).message})`);
    }
    const [systemKey, unitsKey] = modality === 'ieeg' ? ['iEEGCoordinateSystem', 'iEEGCoordinateUnits'] : ['EEGCoordinateSystem', 'EEGCoordinateSystemUnits'];
    const system = json[systemKey];
    if (typeof system !== 'string' || system === '') throw new FormatError(coordFile, `key '${systemKey}'`, `expected a coordinate system name, found ${JSON.stringify(system) ?? 'none'}`);
    const units = json[unitsKey];
    const toMm = typeof units === 'string' ? MM_PER_UNIT[units] : undefined;
    if (toMm === undefined) throw new FormatError(coordFile, `key '${unitsKey}'`, `expected "m", "cm" or "mm", found ${JSON.stringify(units) ?? 'none'}`);
    coordFrame = MNI_SPACES.test(system) ? 'mni_tal' : system;

    for (const e of readElectrodesTsv(electrodesFile, await readText(folder, electrodesFile), names, dataFile, toMm)) {
      if (e.position) channels[e.index].position = e.position;
      if (e.group !== undefined) channels[e.index].group = e.group;
      if (e.location !== undefined) channels[e.index].location = e.location;
    }
  }

  let annotations: Annotation[] = data.info.annotations;
  const eventsFile = findSidecar(files, dataFile, root, 'events', '.tsv');
  if (eventsFile) {
    // events.tsv replaces the data file's own markers, as read_raw_bids does.
    sidecars.events = eventsFile;
    const tsv = new Tsv(eventsFile, await readText(folder, eventsFile));
    const [onsetCol, durationCol, typeCol, valueCol] = [tsv.column('onset', true), tsv.column('duration'), tsv.column('trial_type'), tsv.column('value')];
    const tmax = data.info.nSamples / data.info.sfreq;
    annotations = tsv.rows.map((row) => {
      const onset = tsv.number(row, onsetCol);
      if (onset === undefined || onset < 0 || onset > tmax) {
        throw new FormatError(
          eventsFile,
          tsv.where(row, onsetCol),
          `expected an onset within the recording (0 to ${tmax} s: ${data.info.nSamples} samples at ${data.info.sfreq} Hz), found ${shown(row.cells[onsetCol])}`,
        );
      }
      const duration = tsv.number(row, durationCol) ?? 0;
      if (duration < 0) throw new FormatError(eventsFile, tsv.where(row, durationCol), `expected a duration >= 0 s, found ${duration}`);
      return { onset, duration, description: tsv.get(row, typeCol) ?? tsv.get(row, valueCol) ?? 'n/a' };
    });
    annotations.sort((a, b) => a.onset - b.onset);
  }

  const info: RecordingInfo = {
    ...data.info,
    format: `BIDS ${modality === 'ieeg' ? 'iEEG' : 'EEG'} (${data.info.format})`,
    channels,
    annotations,
    ...(coordFrame !== undefined ? { coordFrame } : {}),
    meta: { ...data.info.meta, dataFile, ...(bads.length ? { bads: bads.join(',') } : {}) },
  };
  return {
    info,
    dataFile,
    sidecars,
    bads,
    data,
    async readSamples(chIdx: number[], start: number, stop: number) {
      checkSampleRange(channels.length, info.nSamples, chIdx, start, stop);
      const out = await data.readSamples(chIdx, start, stop);
      chIdx.forEach((c, k) => {
        if (scales[c] !== 1) for (let j = 0; j < out[k].length; j++) out[k][j] *= scales[c];
      });
      return out;
    },
  };
}

/** A BIDS folder inside a zip, at any depth; stored members are read in ranges, deflated ones whole. */
export async function bidsFolderFromZip(zip: ByteSource): Promise<BidsFolder> {
  const entries = (await listZip(zip)).filter((e) => !e.name.endsWith('/'));
  const byPath = new Map(entries.map((e) => [normalize(e.name), e]));
  return {
    name: zip.name,
    files: [...byPath.keys()],
    async resolve(name: string) {
      const path = normalize(name);
      const entry = byPath.get(path);
      if (!entry) return null;
      if (entry.method !== 0) return memorySource(path, await readZipEntry(zip, entry));
      // Stored: the member's bytes sit after its local header (whose name and extra lengths may differ from the directory's).
      const local = await readRange(zip, entry.localHeaderOffset, 30, `zip member '${entry.name}' (byte ${entry.localHeaderOffset})`);
      const view = new DataView(local.buffer, local.byteOffset, 30);
      const start = entry.localHeaderOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
      return {
        name: path,
        size: entry.size,
        read: (offset: number, length: number) => {
          if (offset < 0 || length < 0 || offset + length > entry.size) throw new RangeError(`${path}: read(${offset}, ${length}) is outside the member (size ${entry.size})`);
          return readRange(zip, start + offset, length, `zip member '${entry.name}'`);
        },
      };
    },
  };
}

export async function openBidsZip(zip: ByteSource, options: BidsOptions = {}): Promise<BidsReader> {
  return openBids(await bidsFolderFromZip(zip), options);
}
