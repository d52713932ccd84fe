/**
 * EEG montage files as MNE ships them (mne/channels/data/montages): ASA .elc (standard_1020, standard_1005) and
 * theta/phi .txt (biosemi*, easycap-*), and tolerant matching of recorded channel names to montage names.
 */

export type Point3 = [number, number, number];

export interface Montage {
  /** Electrode names as the file spells them, fiducials excluded. */
  names: string[];
  /** One position per name, mm. */
  positions: Point3[];
  /** Nasion and preauricular points when the file has them (.elc: Nz, LPA, RPA). */
  nasion?: Point3;
  lpa?: Point3;
  rpa?: Point3;
}

export class MontageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MontageError';
  }
}

/**
 * ASA .elc: UnitPosition, a 'Positions' block, then a 'Labels' block. Positions stay in the file's space, in mm
 * (MNE's make_standard_montage additionally rescales to a 95 mm head; we keep the MNI-like coordinates).
 */
export function readElc(text: string): Montage {
  const lines = text.split(/\r?\n/);
  let scale: number | null = null;
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /UnitPosition\s+(\S+)/.exec(lines[i]);
    if (m) {
      const unit = m[1].toLowerCase();
      scale = unit === 'mm' ? 1 : unit === 'cm' ? 10 : unit === 'm' ? 1000 : null;
      if (scale === null) throw new MontageError(`unknown UnitPosition '${m[1]}'`);
      break;
    }
  }
  if (scale === null) throw new MontageError('no UnitPosition line');
  while (i < lines.length && lines[i].trim() !== 'Positions') i++;
  const pos: Point3[] = [];
  for (i++; i < lines.length && lines[i].trim() !== 'Labels'; i++) {
    const v = lines[i].trim().split(/\s+/).map(Number);
    if (lines[i].trim() === '') continue;
    if (v.length !== 3 || v.some((x) => !Number.isFinite(x))) throw new MontageError(`line ${i + 1}: expected x y z, got '${lines[i]}'`);
    pos.push([v[0] * scale, v[1] * scale, v[2] * scale]);
  }
  const labels: string[] = [];
  for (i++; i < lines.length; i++) {
    // MNE stops at the first blank line after the labels.
    if (lines[i].trim() === '') break;
    labels.push(lines[i].trim());
  }
  if (labels.length !== pos.length) throw new MontageError(`${pos.length} positions but ${labels.length} labels`);
  return splitFiducials(labels, pos, { nasion: 'Nz', lpa: 'LPA', rpa: 'RPA' });
}

/** Head radius MNE uses for theta/phi layouts (HEAD_SIZE_DEFAULT = 0.095 m). */
export const HEAD_RADIUS_MM = 95;

/**
 * Theta/phi layouts ('Site Theta Phi', degrees; MNE's _read_theta_phi_in_degrees): theta is the polar angle from
 * Cz, negative on the left; phi the azimuth. Positions on a sphere of `radiusMm`; Nz, LPA, RPA become fiducials.
 */
export function readThetaPhi(text: string, radiusMm = HEAD_RADIUS_MM): Montage {
  const names: string[] = [];
  const positions: Point3[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    if (n === 0 || line.trim() === '') return; // header row
    const f = line.trim().split(/\s+/);
    if (f.length !== 3) throw new MontageError(`line ${n + 1}: expected 'name theta phi', got '${line}'`);
    const theta = (Number(f[1]) * Math.PI) / 180;
    const phi = (Number(f[2]) * Math.PI) / 180;
    if (!Number.isFinite(theta) || !Number.isFinite(phi)) throw new MontageError(`line ${n + 1}: bad angles in '${line}'`);
    const xy = radiusMm * Math.sin(theta);
    names.push(f[0]);
    positions.push([xy * Math.cos(phi), xy * Math.sin(phi), radiusMm * Math.cos(theta)]);
  });
  // biosemi files list Nz, LPA and RPA as sites; MNE treats them as fiducials.
  return splitFiducials(names, positions, { nasion: 'Nz', lpa: 'LPA', rpa: 'RPA' });
}

function splitFiducials(labels: string[], pos: Point3[], fid: { nasion: string; lpa: string; rpa: string }): Montage {
  const m: Montage = { names: [], positions: [] };
  labels.forEach((name, i) => {
    if (name === fid.nasion) m.nasion = pos[i];
    else if (name === fid.lpa) m.lpa = pos[i];
    else if (name === fid.rpa) m.rpa = pos[i];
    else {
      m.names.push(name);
      m.positions.push(pos[i]);
    }
  });
  return m;
}

/**
 * The key names are compared by: trimmed, trailing dots dropped (EDF pads 'Fc5.' / 'C3..' to 4 characters),
 * a leading 'EEG ' dropped, upper case.
 */
export function normaliseChannelName(name: string): string {
  return name
    .trim()
    .replace(/\.+$/, '')
    .replace(/^EEG[\s-]+/i, '')
    .trim()
    .toUpperCase();
}

export interface MontageMatch {
  /** Index into the channel list. */
  channel: number;
  chName: string;
  /** The montage's spelling, e.g. 'FC5' for 'Fc5.'. */
  montageName: string;
  position: Point3;
}

export interface MontageMatchResult {
  matches: MontageMatch[];
  /** Channels with no montage position. */
  unmatched: string[];
}

/** Finds each channel's montage position, tolerant of case, trailing dots and an 'EEG ' prefix. */
export function matchMontage(chNames: readonly string[], montage: Montage): MontageMatchResult {
  const byKey = new Map<string, number>();
  montage.names.forEach((name, i) => {
    const key = normaliseChannelName(name);
    // Keep the first spelling if a montage has case variants of one name.
    if (!byKey.has(key)) byKey.set(key, i);
  });
  const matches: MontageMatch[] = [];
  const unmatched: string[] = [];
  chNames.forEach((chName, channel) => {
    const i = byKey.get(normaliseChannelName(chName));
    if (i === undefined) unmatched.push(chName);
    else matches.push({ channel, chName, montageName: montage.names[i], position: montage.positions[i] });
  });
  return { matches, unmatched };
}
