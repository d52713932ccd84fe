import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  brodmannLabels,
  HARVARD_OXFORD_CORTICAL,
  harvardOxfordLabels,
  labelAt,
  makeAtlas,
  matchMontage,
  normaliseChannelName,
  parseAalLabels,
  readElc,
  readNifti,
  readThetaPhi,
  regionAt,
  uniqueLabels,
  voxelToWorld,
  voxelValue,
  worldToVoxel,
  type NiftiVolume,
} from './index';
import { asset, recording } from './test-assets';

/** A tiny NIfTI-1 file built by hand: 4 x 3 x 2 voxels, value = linear index * 1.5 (or as int). */
function makeNifti(opts: { datatype: 2 | 4 | 8 | 16; le: boolean; sform?: boolean; qform?: boolean }): Uint8Array {
  const dims = [4, 3, 2];
  const n = dims[0] * dims[1] * dims[2];
  const bytesPer = { 2: 1, 4: 2, 8: 4, 16: 4 }[opts.datatype];
  const buf = new Uint8Array(352 + n * bytesPer);
  const v = new DataView(buf.buffer);
  const le = opts.le;
  v.setInt32(0, 348, le);
  [3, ...dims, 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
  v.setInt16(70, opts.datatype, le);
  v.setInt16(72, bytesPer * 8, le);
  // qfac = -1 and voxel sizes 2, 3, 4 mm
  [-1, 2, 3, 4].forEach((p, i) => v.setFloat32(76 + 4 * i, p, le));
  v.setFloat32(108, 352, le);
  v.setInt16(252, opts.qform ? 1 : 0, le);
  v.setInt16(254, opts.sform ? 4 : 0, le);
  // qform: 180 degrees about z (b = c = 0, d = 1) and an offset
  v.setFloat32(264, 1, le);
  [10, 20, 30].forEach((o, i) => v.setFloat32(268 + 4 * i, o, le));
  const srow = [
    [2, 0, 0, -5],
    [0, 3, 0, -6],
    [0, 0, 4, -7],
  ];
  srow.forEach((row, r) => row.forEach((x, c) => v.setFloat32(280 + 16 * r + 4 * c, x, le)));
  buf.set([0x6e, 0x2b, 0x31, 0], 344);
  for (let i = 0; i < n; i++) {
    const off = 352 + i * bytesPer;
    if (opts.datatype === 2) v.setUint8(off, i);
    else if (opts.datatype === 4) v.setInt16(off, -i, le);
    else if (opts.datatype === 8) v.setInt32(off, i * 100000, le);
    else v.setFloat32(off, i * 1.5, le);
  }
  return buf;
}

describe('readNifti (hand-built files)', () => {
  it('reads every supported datatype, both byte orders, raw or gzipped', () => {
    for (const datatype of [2, 4, 8, 16] as const) {
      for (const le of [true, false]) {
        const bytes = makeNifti({ datatype, le, sform: true });
        for (const input of [bytes, new Uint8Array(gzipSync(bytes))]) {
          const vol = readNifti(input);
          expect(vol.header.dims).toEqual([4, 3, 2]);
          expect(vol.header.littleEndian).toBe(le);
          const expected = { 2: 23, 4: -23, 8: 2300000, 16: 34.5 }[datatype];
          expect(voxelValue(vol, [3, 2, 1])).toBe(expected);
        }
      }
    }
  });

  it('prefers sform, then qform (with qfac), then pixdim', () => {
    const s = readNifti(makeNifti({ datatype: 2, le: true, sform: true, qform: true }));
    expect(voxelToWorld(s, [1, 1, 1])).toEqual([-3, -3, -3]);
    expect(worldToVoxel(s, [-3.2, -2.9, -3])).toEqual([1, 1, 1]);
    const q = readNifti(makeNifti({ datatype: 2, le: true, qform: true }));
    // rotation of 180 degrees about z flips x and y; qfac -1 flips z
    expect(voxelToWorld(q, [1, 1, 1])).toEqual([8, 17, 26]);
    expect(worldToVoxel(q, [8, 17, 26])).toEqual([1, 1, 1]);
    const p = readNifti(makeNifti({ datatype: 2, le: true }));
    expect(voxelToWorld(p, [1, 1, 1])).toEqual([2, 3, 4]);
  });

  it('refuses what it cannot read', () => {
    const bad = makeNifti({ datatype: 2, le: true });
    bad[344] = 0x6e;
    bad[345] = 0x69;
    expect(() => readNifti(bad)).toThrow(/hdr/);
    expect(() => readNifti(new Uint8Array(100))).toThrow(/shorter/);
    const wrongType = makeNifti({ datatype: 2, le: true });
    new DataView(wrongType.buffer).setInt16(70, 128, true);
    expect(() => readNifti(wrongType)).toThrow(/datatype 128/);
  });
});

const haveAssets = existsSync(asset('atlas', 'aal.nii.gz'));

describe.skipIf(!haveAssets)('atlases in shared/assets', () => {
  const load = (name: string): NiftiVolume => readNifti(readFileSync(asset('atlas', name)));
  const aal = haveAssets ? load('aal.nii.gz') : (null as unknown as NiftiVolume);
  const ba = haveAssets ? load('brodmann.nii.gz') : (null as unknown as NiftiVolume);
  const aalNames = haveAssets ? parseAalLabels(readFileSync(asset('atlas', 'aal.nii.txt'), 'utf8')) : new Map<number, string>();

  it('AAL and Brodmann: 1 mm, 181 x 217 x 181, MNI (0,0,0) at voxel (90,125,71)', () => {
    for (const v of [aal, ba]) {
      expect(v.header.dims).toEqual([181, 217, 181]);
      expect(v.header.pixdim).toEqual([1, 1, 1]);
      expect(worldToVoxel(v, [0, 0, 0])).toEqual([90, 125, 71]);
    }
    expect(aalNames.size).toBe(116);
    expect(uniqueLabels(aal)).toEqual(Array.from({ length: 116 }, (_, i) => i + 1));
    const areas = uniqueLabels(ba);
    expect(areas.length).toBe(41);
    expect(areas).toEqual(expect.arrayContaining([17, 18, 19, 20, 37]));
  });

  it('known coordinates fall in known areas', () => {
    const baNames = brodmannLabels(ba);
    const calc = [-8, -90, 0];
    expect(labelAt(ba, calc, { names: baNames })).toMatchObject({ value: 17, name: 'BA17', distanceMm: 0 });
    expect(labelAt(aal, calc, { names: aalNames })).toMatchObject({ value: 43, name: 'Calcarine_L', distanceMm: 0 });
    const fus = [40, -55, -15];
    expect(labelAt(ba, fus, { names: baNames })).toMatchObject({ name: 'BA37', distanceMm: 0 });
    expect(labelAt(aal, fus, { names: aalNames })).toMatchObject({ value: 56, name: 'Fusiform_R', distanceMm: 0 });
    expect(labelAt(aal, [-40, 20, 45], { names: aalNames })?.name).toBe('Frontal_Mid_L');
  });

  it('makeAtlas / regionAt bundle a volume with its names', () => {
    const b = makeAtlas('brodmann', readFileSync(asset('atlas', 'brodmann.nii.gz')));
    expect(regionAt(b, [40, -55, -15])?.name).toBe('BA37');
    const a = makeAtlas('aal', readFileSync(asset('atlas', 'aal.nii.gz')), readFileSync(asset('atlas', 'aal.nii.txt'), 'utf8'));
    expect(regionAt(a, [-8, -90, 0])?.name).toBe('Calcarine_L');
    expect(() => makeAtlas('aal', readFileSync(asset('atlas', 'aal.nii.gz')))).toThrow(/aal.nii.txt/);
  });

  it('a point just outside the brain gets the nearest label and its distance; far outside gets null', () => {
    const justOut = labelAt(aal, [-72, -20, 10], { names: aalNames });
    expect(justOut).toMatchObject({ name: 'Temporal_Sup_L', distanceMm: 3 });
    expect(justOut?.voxelMni).toEqual([-69, -20, 10]);
    expect(labelAt(aal, [-8, -108, 0], { names: aalNames })).toMatchObject({ name: 'Calcarine_L', distanceMm: 3 });
    // beyond the default 5 mm, unless the radius is widened
    expect(labelAt(aal, [-80, -20, 10], { names: aalNames })).toBeNull();
    const wide = labelAt(aal, [-80, -20, 10], { names: aalNames, maxDistanceMm: 12 });
    expect(wide?.distanceMm).toBeGreaterThan(5);
    expect(wide?.distanceMm).toBeLessThanOrEqual(12);
    expect(labelAt(aal, [0, 0, 150])).toBeNull();
    expect(labelAt(aal, [-72, -20, 10], { maxDistanceMm: 0 })).toBeNull();
  });

  it('Harvard-Oxford: FSL grid (182 x 218 x 182, x flipped) and FSL names', () => {
    const ho = load('HarvardOxford-cort-maxprob-thr0-1mm.nii.gz');
    expect(ho.header.dims).toEqual([182, 218, 182]);
    expect(ho.affine[0][0]).toBe(-1);
    expect(uniqueLabels(ho)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
    expect(HARVARD_OXFORD_CORTICAL.length).toBe(48);
    const names = harvardOxfordLabels();
    expect(labelAt(ho, [-8, -90, 0], { names })?.name).toBe('Intracalcarine Cortex');
    expect(labelAt(ho, [40, -55, -15], { names })?.name).toBe('Temporal Occipital Fusiform Cortex');
  });
});

describe.skipIf(!haveAssets)('montages', () => {
  const std1005 = haveAssets ? readElc(readFileSync(asset('montage', 'standard_1005.elc'), 'utf8')) : null;

  it('reads standard_1005 / standard_1020 (.elc, mm) like mne.channels.read_custom_montage(head_size=None)', () => {
    const m = std1005!;
    expect(m.names.length).toBe(343);
    expect(m.nasion).toEqual([0.0083, 86.811, -39.983]);
    const at = (name: string) => m.positions[m.names.indexOf(name)];
    expect(at('Fp1')).toEqual([-29.4367, 83.9171, -6.99]);
    expect(at('FCC5h')).toEqual([-74.692, 4.3033, 45.307]);
    const s1020 = readElc(readFileSync(asset('montage', 'standard_1020.elc'), 'utf8'));
    expect(s1020.names.length).toBe(94);
  });

  it('reads biosemi64 / easycap-M1 theta-phi layouts on MNE’s 95 mm sphere', () => {
    const b = readThetaPhi(readFileSync(asset('montage', 'biosemi64.txt'), 'utf8'));
    expect(b.names.length).toBe(64);
    expect(b.nasion?.[1]).toBeCloseTo(86.0992398, 5);
    const at = (name: string) => b.positions[b.names.indexOf(name)];
    const close = (p: number[], q: number[]) => p.forEach((x, i) => expect(x).toBeCloseTo(q[i], 5));
    close(at('Fp1'), [-29.338731, 90.29533, -3.315452]);
    close(at('Cz'), [0, 0, 95]);
    close(at('T7'), [-94.942129, 0, -3.315452]);
    const e = readThetaPhi(readFileSync(asset('montage', 'easycap-M1.txt'), 'utf8'));
    expect(e.names.length).toBe(74);
  });

  it('matches names tolerant of case and trailing dots', () => {
    expect(normaliseChannelName('Fc5.')).toBe('FC5');
    expect(normaliseChannelName('EEG Cz')).toBe('CZ');
    const r = matchMontage(['Fc5.', 'cz', 'T10.', 'ECG', 'Stim'], std1005!);
    expect(r.matches.map((m) => m.montageName)).toEqual(['FC5', 'Cz', 'T10']);
    expect(r.matches[1].channel).toBe(1);
    expect(r.unmatched).toEqual(['ECG', 'Stim']);
  });

  it('every S001R01.edf channel (PhysioNet, names with trailing dots) has a standard_1005 position', () => {
    const ref = JSON.parse(readFileSync(recording('reference-mne.json'), 'utf8')) as Record<string, { ch_names: string[] }>;
    const names = ref['S001R01.edf'].ch_names;
    expect(names.length).toBe(64);
    const r = matchMontage(names, std1005!);
    expect(r.unmatched).toEqual([]);
    expect(r.matches.length).toBe(64);
    expect(r.matches.find((m) => m.chName === 'Fcz.')?.montageName).toBe('FCz');
    // standard_1020.elc (94 sites) also holds all of these 10-10 names
    const s1020 = readElc(readFileSync(asset('montage', 'standard_1020.elc'), 'utf8'));
    expect(matchMontage(names, s1020).unmatched).toEqual([]);
  });
});
