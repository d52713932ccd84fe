/**
 * Export of a trained map to an ONNX model that turns raw feature windows into map positions, so a browser or any
 * ONNX runtime can draw the live point without this code. Standard ai.onnx ops only (opset 17): Sub, Mul,
 * Unsqueeze, ReduceSum, ArgMin, Gather, MatMul, Clip, Add.
 *
 * The graph is SelfOrganizingMap.locate in float32:
 *   z = (x - mean) * relevance / std;  d_j = sum (z - m_j)^2;  b = argmin d (first on ties);
 *   t_s = (z - m_b) . E[b, s] * invEdgeSq[b, s]  for neighbour slot s;  position = g_b + sum_s clip(t_s, -1/2, 1/2) B[b, s]
 * with E[b, s] = m_j - m_b, invEdgeSq = 1 / |E|^2 for neighbour j in slot s (zero for an empty slot, or for two
 * nodes with equal weights), precomputed here, and B = SomGrid.stepBasis.
 *
 * Inputs: `features` float32 [N, nFeatures]. Outputs: `position` float32 [N, 2] (grid coordinates), `bmu` int64 [N],
 * `posterior` float32 [N, nClasses] (the BMU's class posterior).
 */
import { DataType, encodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo } from '../../onnx/model';
import type { SelfOrganizingMap } from './som';

const OPSET = 17;

export function somToOnnx(map: SelfOrganizingMap, options: { producerName?: string } = {}): Uint8Array {
  const { nFeatures: f, weights, grid } = map;
  const { nNodes, maxNeighbours: p, neighbours, coords, stepBasis } = grid;
  const k = map.classes.length;
  const edges = new Float32Array(nNodes * p * f);
  const invEdgeSq = new Float32Array(nNodes * p);
  for (let b = 0; b < nNodes; b++) {
    for (let s = 0; s < p; s++) {
      const j = neighbours[b * p + s];
      if (j < 0) continue;
      let edgeSq = 0;
      for (let d = 0; d < f; d++) {
        const e = weights[j * f + d] - weights[b * f + d];
        edges[(b * p + s) * f + d] = e;
        edgeSq += e * e;
      }
      if (edgeSq > 0) invEdgeSq[b * p + s] = 1 / edgeSq;
    }
  }
  const f32 = (name: string, dims: number[], values: ArrayLike<number>) => makeTensor(name, DataType.FLOAT, dims, Float32Array.from(values));
  const i64 = (name: string, values: number[]) => makeTensor(name, DataType.INT64, [values.length], BigInt64Array.from(values, BigInt));
  const initializers = [
    f32('mean', [f], map.mean),
    f32('scale', [f], Float64Array.from(map.relevance, (r, d) => r / map.std[d])),
    f32('weights', [nNodes, f], weights),
    f32('edges', [nNodes, p, f], edges),
    f32('inv_edge_sq', [nNodes, p, 1], invEdgeSq),
    f32('step_basis', [nNodes, p, 2], stepBasis),
    f32('coords', [nNodes, 2], coords),
    f32('node_posterior', [nNodes, k], map.posteriors()),
    f32('minus_half', [], [-0.5]),
    f32('half', [], [0.5]),
    i64('axis1', [1]),
    i64('axis2', [2]),
  ];
  const nodes = [
    makeNode('Sub', ['features', 'mean'], ['centred']),
    makeNode('Mul', ['centred', 'scale'], ['z']),
    // Distances to every node: [N, 1, F] - [K, F] -> [N, K, F] -> [N, K].
    makeNode('Unsqueeze', ['z', 'axis1'], ['z_row']),
    makeNode('Sub', ['z_row', 'weights'], ['diff']),
    makeNode('Mul', ['diff', 'diff'], ['diff_sq']),
    makeNode('ReduceSum', ['diff_sq', 'axis2'], ['dist_sq'], { keepdims: { int: 0 } }),
    makeNode('ArgMin', ['dist_sq'], ['bmu'], { axis: { int: 1 }, keepdims: { int: 0 } }),
    // Projections on the BMU's edges: [N, P, F] x [N, F, 1] -> [N, P, 1].
    makeNode('Gather', ['weights', 'bmu'], ['bmu_weights'], { axis: { int: 0 } }),
    makeNode('Sub', ['z', 'bmu_weights'], ['residual']),
    makeNode('Unsqueeze', ['residual', 'axis2'], ['residual_col']),
    makeNode('Gather', ['edges', 'bmu'], ['bmu_edges'], { axis: { int: 0 } }),
    makeNode('MatMul', ['bmu_edges', 'residual_col'], ['dot']),
    makeNode('Gather', ['inv_edge_sq', 'bmu'], ['bmu_inv_edge_sq'], { axis: { int: 0 } }),
    makeNode('Mul', ['dot', 'bmu_inv_edge_sq'], ['t']),
    makeNode('Clip', ['t', 'minus_half', 'half'], ['t_clipped']),
    makeNode('Gather', ['step_basis', 'bmu'], ['bmu_step_basis'], { axis: { int: 0 } }),
    makeNode('Mul', ['t_clipped', 'bmu_step_basis'], ['moves']),
    makeNode('ReduceSum', ['moves', 'axis1'], ['shift'], { keepdims: { int: 0 } }),
    makeNode('Gather', ['coords', 'bmu'], ['bmu_coords'], { axis: { int: 0 } }),
    makeNode('Add', ['bmu_coords', 'shift'], ['position']),
    makeNode('Gather', ['node_posterior', 'bmu'], ['posterior'], { axis: { int: 0 } }),
  ];
  const graph = makeGraph(
    'som_position',
    nodes,
    [makeValueInfo('features', DataType.FLOAT, ['N', f])],
    [
      makeValueInfo('position', DataType.FLOAT, ['N', 2]),
      makeValueInfo('bmu', DataType.INT64, ['N']),
      makeValueInfo('posterior', DataType.FLOAT, ['N', k]),
    ],
    initializers,
  );
  return encodeModel(makeModel(graph, { '': OPSET }, { producerName: options.producerName ?? 'brainglass' }));
}
