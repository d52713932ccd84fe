/**
 * FreeSurfer .annot parcellations (big-endian): per-vertex packed RGB annotation values and a colour table
 * (version 2, as mris_ca_label writes, or the old unversioned layout), as nibabel.freesurfer.read_annot reads them.
 */
import { MeshFormatError } from './types';

export interface ColorTableEntry {
  /** Structure index (the label number). */
  index: number;
  name: string;
  /** [r, g, b, transparency] 0-255, as FreeSurfer stores them. */
  rgbt: [number, number, number, number];
  /** Packed r + g * 2^8 + b * 2^16: what the per-vertex annotation holds. */
  annotation: number;
}

export interface Annot {
  /** Row in `colortable` of each vertex; -1 for unlabelled (annotation 0 or unknown). */
  labels: Int32Array;
  /** Raw per-vertex annotation values. */
  annotations: Int32Array;
  colortable: ColorTableEntry[];
  /** Colour table names, in table order (nibabel's `names`). */
  names: string[];
}

class Reader {
  private pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  int(): number {
    if (this.pos + 4 > this.bytes.length) throw new MeshFormatError(`unexpected end of file at byte ${this.pos}`);
    const v = this.view.getInt32(this.pos, false);
    this.pos += 4;
    return v;
  }
  str(): string {
    const n = this.int();
    if (n < 0 || this.pos + n > this.bytes.length) throw new MeshFormatError(`bad string length ${n} at byte ${this.pos - 4}`);
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + n)).replace(/\0.*$/s, '');
    this.pos += n;
    return s;
  }
  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
}

export function readAnnot(bytes: Uint8Array): Annot {
  const r = new Reader(bytes);
  const nVert = r.int();
  if (nVert < 0) throw new MeshFormatError(`negative vertex count ${nVert}`);
  const annotations = new Int32Array(nVert);
  for (let i = 0; i < nVert; i++) {
    const vno = r.int();
    const value = r.int();
    if (vno < 0 || vno >= nVert) throw new MeshFormatError(`vertex number ${vno} out of range`);
    annotations[vno] = value;
  }
  const colortable: ColorTableEntry[] = [];
  if (!r.done && r.int() === 1) {
    const first = r.int();
    const entry = (index: number, name: string, rgbt: [number, number, number, number]): ColorTableEntry => ({
      index,
      name,
      rgbt,
      annotation: rgbt[0] + rgbt[1] * 256 + rgbt[2] * 65536,
    });
    if (first > 0) {
      // Old layout: the count, the table's file name, then entries in index order.
      r.str();
      for (let i = 0; i < first; i++) {
        const name = r.str();
        colortable.push(entry(i, name, [r.int(), r.int(), r.int(), r.int()]));
      }
    } else {
      if (-first !== 2) throw new MeshFormatError(`colour table version ${-first} is not supported`);
      r.int(); // max structure index + 1
      r.str(); // original colour table file name
      const nEntries = r.int();
      for (let i = 0; i < nEntries; i++) {
        const index = r.int();
        const name = r.str();
        colortable.push(entry(index, name, [r.int(), r.int(), r.int(), r.int()]));
      }
    }
  }
  const rowOf = new Map<number, number>();
  colortable.forEach((e, i) => {
    if (!rowOf.has(e.annotation)) rowOf.set(e.annotation, i);
  });
  const labels = new Int32Array(nVert);
  for (let i = 0; i < nVert; i++) labels[i] = annotations[i] === 0 ? -1 : (rowOf.get(annotations[i]) ?? -1);
  return { labels, annotations, colortable, names: colortable.map((e) => e.name) };
}
