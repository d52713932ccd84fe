import { existsSync, readFileSync } from 'node:fs';
import { gzipSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { asset } from '../atlas/test-assets';
import {
  boundingBox,
  decodeBase64,
  giftiMesh,
  giftiScalars,
  readAnnot,
  readGifti,
  readMz3,
  triangleCount,
  writeMz3,
  vertexCount,
  type Mesh,
} from './index';

/** A tetrahedron as MZ3, with private bytes to skip, colours and two scalar layers. */
function makeMz3(): Uint8Array {
  const faces = [0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3];
  const verts = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
  const nSkip = 5;
  const buf = new Uint8Array(16 + nSkip + 4 * 12 + 4 * 12 + 4 * 4 + 2 * 4 * 4);
  const v = new DataView(buf.buffer);
  v.setUint16(0, 23117, true);
  v.setUint16(2, 15, true);
  v.setUint32(4, 4, true);
  v.setUint32(8, 4, true);
  v.setUint32(12, nSkip, true);
  let o = 16 + nSkip;
  for (const f of faces) {
    v.setInt32(o, f, true);
    o += 4;
  }
  for (const x of verts) {
    v.setFloat32(o, x, true);
    o += 4;
  }
  for (let i = 0; i < 16; i++) v.setUint8(o++, i * 10);
  for (let i = 0; i < 8; i++) {
    v.setFloat32(o, i + 0.5, true);
    o += 4;
  }
  return buf;
}

describe('readMz3 (hand-built)', () => {
  it('reads faces, vertices, colours and every scalar layer past NSKIP, raw or gzipped', () => {
    for (const bytes of [makeMz3(), new Uint8Array(gzipSync(makeMz3()))]) {
      const m = readMz3(bytes);
      expect(m.attr).toBe(15);
      expect([...m.indices]).toEqual([0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3]);
      expect([...m.positions.subarray(9)]).toEqual([0, 0, 1]);
      expect(m.colors?.[5]).toBe(50);
      expect(m.scalarLayers.length).toBe(2);
      expect([...m.scalars!]).toEqual([0.5, 1.5, 2.5, 3.5]);
      expect([...m.scalarLayers[1]]).toEqual([4.5, 5.5, 6.5, 7.5]);
    }
  });

  it('writeMz3 round-trips faces, vertices and scalars', () => {
    const m = readMz3(makeMz3());
    const again = readMz3(writeMz3(m));
    expect(again.attr).toBe(11);
    expect([...again.indices]).toEqual([...m.indices]);
    expect([...again.positions]).toEqual([...m.positions]);
    expect([...again.scalars!]).toEqual([...m.scalars!]);
    expect(readMz3(writeMz3({ positions: m.positions, indices: m.indices })).scalars).toBeUndefined();
  });

  it('refuses other files and truncated ones', () => {
    expect(() => readMz3(new Uint8Array(20))).toThrow(/magic/);
    expect(() => readMz3(makeMz3().slice(0, 40))).toThrow(/faces/);
  });
});

describe('readGifti (hand-built)', () => {
  const f32 = (xs: number[], le = true) => {
    const b = new Uint8Array(xs.length * 4);
    xs.forEach((x, i) => new DataView(b.buffer).setFloat32(i * 4, x, le));
    return b;
  };
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  const xml = (pointsXml: string) => `<?xml version="1.0"?>
<GIFTI Version="1.0" NumberOfDataArrays="3"><MetaData><MD><Name><![CDATA[Date]]></Name><Value><![CDATA[today]]></Value></MD></MetaData>
<LabelTable><Label Key="1" Red="1" Green="0" Blue="0" Alpha="1"><![CDATA[V1]]></Label></LabelTable>
${pointsXml}
<DataArray Intent="NIFTI_INTENT_TRIANGLE" DataType="NIFTI_TYPE_INT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="2" Dim0="1" Dim1="3" Encoding="ASCII" Endian="LittleEndian">
<Data>0 1
 2</Data></DataArray>
<DataArray Intent="NIFTI_INTENT_SHAPE" DataType="NIFTI_TYPE_FLOAT32" Dimensionality="1" Dim0="3" Encoding="Base64Binary" Endian="BigEndian">
<Data>${b64(f32([-1, 0, 2.5], false))}</Data></DataArray></GIFTI>`;

  it('decodes ASCII, base64, zlib base64, big-endian and column-major arrays', () => {
    const rowMajor = [0, 0, 0, 10, 0, 0, 0, 20, 0];
    const colMajor = [0, 10, 0, 0, 0, 20, 0, 0, 0];
    const variants = [
      `<DataArray Intent="NIFTI_INTENT_POINTSET" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="2" Dim0="3" Dim1="3" Encoding="GZipBase64Binary" Endian="LittleEndian">
<MetaData><MD><Name>AnatomicalStructurePrimary</Name><Value>CortexLeft</Value></MD></MetaData>
<CoordinateSystemTransformMatrix><DataSpace><![CDATA[NIFTI_XFORM_UNKNOWN]]></DataSpace><TransformedSpace><![CDATA[NIFTI_XFORM_TALAIRACH]]></TransformedSpace><MatrixData>1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1</MatrixData></CoordinateSystemTransformMatrix>
<Data>${b64(new Uint8Array(deflateSync(f32(rowMajor))))}</Data></DataArray>`,
      `<DataArray Intent="NIFTI_INTENT_POINTSET" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="ColumnMajorOrder" Dimensionality="2" Dim0="3" Dim1="3" Encoding="Base64Binary" Endian="BigEndian"><Data>${b64(f32(colMajor, false))}</Data></DataArray>`,
      `<DataArray Intent="NIFTI_INTENT_POINTSET" DataType="NIFTI_TYPE_FLOAT32" Dimensionality="2" Dim0="3" Dim1="3" Encoding="ASCII"><Data>${rowMajor.join(' ')}</Data></DataArray>`,
    ];
    for (const v of variants) {
      const g = readGifti(new TextEncoder().encode(xml(v)));
      expect(g.meta.Date).toBe('today');
      expect(g.labels.get(1)?.label).toBe('V1');
      const mesh = giftiMesh(g);
      expect([...mesh.positions]).toEqual(rowMajor);
      expect([...mesh.indices]).toEqual([0, 1, 2]);
      expect([...mesh.scalars!]).toEqual([-1, 0, 2.5]);
    }
    const g = readGifti(new TextEncoder().encode(xml(variants[0])));
    expect(g.dataArrays[0].meta.AnatomicalStructurePrimary).toBe('CortexLeft');
    expect(g.dataArrays[0].transforms[0].transformedSpace).toBe('NIFTI_XFORM_TALAIRACH');
    expect(g.dataArrays[0].transforms[0].matrix.length).toBe(16);
  });

  it('base64 ignores line breaks', () => {
    expect([...decodeBase64('AAEC\nAwQF\r\nBg==')]).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

const haveAssets = existsSync(asset('mesh', 'aal.mz3'));

/** MNI mm plausibility: what a brain (or head) surface in MNI space can span. */
function expectMniBox(mesh: Mesh) {
  const [lo, hi] = boundingBox(mesh.positions);
  expect(lo[0]).toBeGreaterThanOrEqual(-80);
  expect(hi[0]).toBeLessThanOrEqual(80);
  expect(lo[1]).toBeGreaterThanOrEqual(-120);
  expect(hi[1]).toBeLessThanOrEqual(80);
  expect(lo[2]).toBeGreaterThanOrEqual(-60);
  expect(hi[2]).toBeLessThanOrEqual(90);
  // and not collapsed: a brain is well over 100 mm long
  expect(hi[1] - lo[1]).toBeGreaterThan(140);
  return [lo, hi];
}

function expectWellFormed(mesh: Mesh) {
  const n = vertexCount(mesh);
  let maxIndex = 0;
  for (const v of mesh.indices) maxIndex = Math.max(maxIndex, v);
  expect(maxIndex).toBe(n - 1);
  // a closed triangulated surface of genus 0 has 2V - 4 faces
  return triangleCount(mesh);
}

describe.skipIf(!haveAssets)('meshes in shared/assets', () => {
  const mz3 = (name: string) => readMz3(readFileSync(asset('mesh', name)));
  const gii = (name: string) => giftiMesh(readFileSync(asset('mesh', name)));

  it('ICBM152 hemispheres: 40,962 vertices each (closed, 81,920 triangles), left x < 0 < right x', () => {
    const lh = mz3('BrainMesh_ICBM152.lh.mz3');
    const rh = mz3('BrainMesh_ICBM152.rh.mz3');
    for (const m of [lh, rh]) {
      expect(vertexCount(m)).toBe(40962);
      expect(expectWellFormed(m)).toBe(81920);
      expectMniBox(m);
    }
    const [, lhHi] = boundingBox(lh.positions);
    const [rhLo] = boundingBox(rh.positions);
    expect(lhHi[0]).toBeLessThan(5);
    expect(rhLo[0]).toBeGreaterThan(-5);
  });

  it('aal.mz3: 65,470 vertices with a per-vertex AAL index 1..116 and region colours', () => {
    const m = mz3('aal.mz3');
    expect(vertexCount(m)).toBe(65470);
    expectWellFormed(m);
    expectMniBox(m);
    expect(m.colors?.length).toBe(65470 * 4);
    const s = m.scalars!;
    expect(s.length).toBe(65470);
    const values = new Set<number>(s);
    expect([...values].every(Number.isInteger)).toBe(true);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...values)).toBeLessThanOrEqual(116);
    expect(values.size).toBeGreaterThan(80);
  });

  it('scalp (5,410 vertices, head surface larger than the brain) and the light cortex', () => {
    const scalp = mz3('scalp.mz3');
    expect(vertexCount(scalp)).toBe(5410);
    expectWellFormed(scalp);
    const [lo, hi] = boundingBox(scalp.positions);
    expect(hi[0] - lo[0]).toBeGreaterThan(130);
    expect(hi[0] - lo[0]).toBeLessThan(200);
    const cortex = mz3('cortex_5124.mz3');
    expect(vertexCount(cortex)).toBe(5124);
    expectMniBox(cortex);
    // the 2009 template mesh includes cerebellum and brainstem, so it reaches below z = -60
    const mini = mz3('mni152_2009mini.mz3');
    expect(vertexCount(mini)).toBe(28929);
    expect(boundingBox(mini.positions)[0][2]).toBeLessThan(-60);
  });

  it('fsaverage5 GIfTI: 10,242 vertices and 20,480 triangles per hemisphere; sulc per vertex', () => {
    for (const side of ['left', 'right']) {
      const pial = gii(`pial_${side}.gii.gz`);
      expect(vertexCount(pial)).toBe(10242);
      expect(expectWellFormed(pial)).toBe(20480);
      expectMniBox(pial);
      const [lo, hi] = boundingBox(pial.positions);
      if (side === 'left') expect(hi[0]).toBeLessThan(5);
      else expect(lo[0]).toBeGreaterThan(-5);
      // inflated surfaces are centred on their own origin, not placed in MNI space
      const infl = gii(`infl_${side}.gii.gz`);
      expect(vertexCount(infl)).toBe(10242);
      // as the server sends it to the browser: the same mesh as MZ3
      const sent = readMz3(writeMz3(infl));
      expect(sent.positions).toEqual(infl.positions);
      expect(sent.indices).toEqual(infl.indices);
      expect(boundingBox(infl.positions)[1][1]).toBeGreaterThan(100);
      const sulc = giftiScalars(readFileSync(asset('mesh', `sulc_${side}.gii.gz`)));
      expect(sulc.length).toBe(10242);
      expect(Math.min(...sulc)).toBeLessThan(0);
      expect(Math.max(...sulc)).toBeGreaterThan(0);
    }
  });

  it('aparc .annot (Desikan-Killiany on fsaverage) agrees with mne.label._read_annot', () => {
    const lh = readAnnot(readFileSync(asset('mesh', 'lh.aparc.annot')));
    expect(lh.labels.length).toBe(163842);
    expect(lh.colortable.length).toBe(36);
    expect(lh.names.slice(0, 4)).toEqual(['unknown', 'bankssts', 'caudalanteriorcingulate', 'caudalmiddlefrontal']);
    expect(lh.colortable[1]).toMatchObject({ index: 1, annotation: 2647065 });
    expect(lh.colortable[1].rgbt.slice(0, 3)).toEqual([25, 100, 40]);
    expect([...lh.annotations.subarray(0, 10)]).toEqual([14423100, 9221140, 10542100, 8204875, 14423100, 1351760, 9182740, 11832480, 0, 3296035]);
    // vertices per table row (first entry: unlabelled), from MNE
    const counts = new Array<number>(37).fill(0);
    for (const l of lh.labels) counts[l + 1]++;
    expect(counts).toEqual([
      13887, 2, 2137, 1439, 3736, 0, 1630, 1102, 4714, 7871, 4415, 2531, 6379, 4188, 4205, 2653, 4452, 1838, 3294, 3119, 956, 2046, 1912,
      9519, 3266, 10740, 7308, 1350, 7243, 12179, 10456, 7271, 8600, 272, 839, 1064, 5229,
    ]);
    // the first 10,242 entries label fsaverage5
    const rh = readAnnot(readFileSync(asset('mesh', 'rh.aparc.annot')));
    const rhCounts = new Array<number>(37).fill(0);
    for (const l of rh.labels.subarray(0, 10242)) rhCounts[l + 1]++;
    expect(rhCounts).toEqual([
      872, 0, 136, 101, 219, 0, 99, 52, 294, 607, 263, 147, 369, 270, 244, 175, 315, 111, 239, 155, 58, 150, 116, 572, 188, 671, 501, 63, 492,
      738, 642, 434, 509, 24, 49, 46, 321,
    ]);
  });
});
