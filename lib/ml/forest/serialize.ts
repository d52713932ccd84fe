/**
 * A forest as one set of flat arrays (all trees' nodes concatenated, child ids local to each tree), the layout
 * ONNX TreeEnsembleClassifier wants (nodes_treeids / nodes_nodeids / nodes_featureids / nodes_values ...), and a
 * binary form of it for blob storage.
 */
import { RandomForestClassifier, type ForestLike, type RandomForestOptions } from './forest';
import type { TreeArrays } from './tree';

export interface ForestArrays {
  nTrees: number;
  nFeatures: number;
  nClasses: number;
  /** Tree t owns nodes [nodeOffset[t], nodeOffset[t + 1]); length nTrees + 1. */
  nodeOffset: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  /** Child ids within the tree (TREE_LEAF at leaves). */
  left: Int32Array;
  right: Int32Array;
  /** totalNodes x nClasses weighted class counts. */
  value: Float64Array;
  impurity: Float64Array;
  nNodeSamples: Int32Array;
  weightedNNodeSamples: Float64Array;
}

type NodeArrayName = 'feature' | 'threshold' | 'left' | 'right' | 'value' | 'impurity' | 'nNodeSamples' | 'weightedNNodeSamples';
const NODE_ARRAYS: readonly NodeArrayName[] = [
  'feature',
  'threshold',
  'left',
  'right',
  'value',
  'impurity',
  'nNodeSamples',
  'weightedNNodeSamples',
];

export function forestToArrays(forest: ForestLike): ForestArrays {
  const { trees, nFeatures, nClasses } = forest;
  const nodeOffset = new Int32Array(trees.length + 1);
  for (let t = 0; t < trees.length; t++) nodeOffset[t + 1] = nodeOffset[t] + trees[t].nNodes;
  const total = nodeOffset[trees.length];
  const out: ForestArrays = {
    nTrees: trees.length,
    nFeatures,
    nClasses,
    nodeOffset,
    feature: new Int32Array(total),
    threshold: new Float32Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total * nClasses),
    impurity: new Float64Array(total),
    nNodeSamples: new Int32Array(total),
    weightedNNodeSamples: new Float64Array(total),
  };
  trees.forEach((tree, t) => {
    const o = nodeOffset[t];
    for (const name of NODE_ARRAYS) {
      const scale = name === 'value' ? nClasses : 1;
      out[name].set(tree[name], o * scale);
    }
  });
  return out;
}

/** Trees as views into the arrays (no copy). */
export function forestFromArrays(a: ForestArrays): TreeArrays[] {
  const trees: TreeArrays[] = [];
  for (let t = 0; t < a.nTrees; t++) {
    const lo = a.nodeOffset[t];
    const hi = a.nodeOffset[t + 1];
    trees.push({
      nNodes: hi - lo,
      nFeatures: a.nFeatures,
      nClasses: a.nClasses,
      feature: a.feature.subarray(lo, hi),
      threshold: a.threshold.subarray(lo, hi),
      left: a.left.subarray(lo, hi),
      right: a.right.subarray(lo, hi),
      value: a.value.subarray(lo * a.nClasses, hi * a.nClasses),
      impurity: a.impurity.subarray(lo, hi),
      nNodeSamples: a.nNodeSamples.subarray(lo, hi),
      weightedNNodeSamples: a.weightedNNodeSamples.subarray(lo, hi),
    });
  }
  return trees;
}

/** A ready-to-predict forest from stored arrays. */
export function loadForest(a: ForestArrays, options: RandomForestOptions = {}): RandomForestClassifier {
  return new RandomForestClassifier({ ...options, nEstimators: Math.max(1, a.nTrees) }).merge(
    a.nFeatures,
    a.nClasses,
    forestFromArrays(a),
  );
}

const MAGIC = 0x46524742; // 'BGRF' little-endian
const VERSION = 1;

interface PackedHeader {
  nTrees: number;
  nFeatures: number;
  nClasses: number;
  arrays: { name: string; offset: number; length: number }[];
}

/**
 * Binary form: u32 magic, u32 version, u32 header byte length, JSON header, then each array 8-byte aligned,
 * little-endian (the byte order of every platform Node and browsers run on).
 */
export function packForest(a: ForestArrays): Uint8Array {
  const arrays: [string, ArrayBufferView][] = [['nodeOffset', a.nodeOffset], ...NODE_ARRAYS.map((n): [string, ArrayBufferView] => [n, a[n]])];
  const header: PackedHeader = { nTrees: a.nTrees, nFeatures: a.nFeatures, nClasses: a.nClasses, arrays: [] };
  // Offsets depend on the header's length, which depends on the offsets: lay out relative to the data start.
  let rel = 0;
  for (const [name, arr] of arrays) {
    header.arrays.push({ name, offset: rel, length: arr.byteLength });
    rel += align8(arr.byteLength);
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align8(12 + json.byteLength);
  const bytes = new Uint8Array(dataStart + rel);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, json.byteLength, true);
  bytes.set(json, 12);
  arrays.forEach(([, arr], i) => {
    bytes.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), dataStart + header.arrays[i].offset);
  });
  return bytes;
}

export function unpackForest(bytes: Uint8Array): ForestArrays {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || view.getUint32(0, true) !== MAGIC) throw new Error('unpackForest: not a packed forest');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new Error(`unpackForest: unsupported version ${version}`);
  const jsonLength = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength))) as PackedHeader;
  const dataStart = align8(12 + jsonLength);
  // Copy into a fresh aligned buffer: the input may sit at any byte offset, and may be a Node Buffer, whose
  // slice() is a view rather than a copy.
  const data = new Uint8Array(bytes.subarray(dataStart));
  const get = (name: string): { offset: number; length: number } => {
    const e = header.arrays.find((x) => x.name === name);
    if (!e || e.offset + e.length > data.byteLength) throw new Error(`unpackForest: missing or truncated array ${name}`);
    return e;
  };
  const i32 = (name: string): Int32Array => {
    const e = get(name);
    return new Int32Array(data.buffer, e.offset, e.length / 4);
  };
  const f32 = (name: string): Float32Array => {
    const e = get(name);
    return new Float32Array(data.buffer, e.offset, e.length / 4);
  };
  const f64 = (name: string): Float64Array => {
    const e = get(name);
    return new Float64Array(data.buffer, e.offset, e.length / 8);
  };
  return {
    nTrees: header.nTrees,
    nFeatures: header.nFeatures,
    nClasses: header.nClasses,
    nodeOffset: i32('nodeOffset'),
    feature: i32('feature'),
    threshold: f32('threshold'),
    left: i32('left'),
    right: i32('right'),
    value: f64('value'),
    impurity: f64('impurity'),
    nNodeSamples: i32('nNodeSamples'),
    weightedNNodeSamples: f64('weightedNNodeSamples'),
  };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
