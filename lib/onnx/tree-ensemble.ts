/**
 * Export of a fitted random forest (lib/ml/forest, as flat arrays from `forestToArrays`) to an ONNX model with one
 * ai.onnx.ml TreeEnsembleClassifier node, so any ONNX runtime (onnxruntime in Node, the browser, Python) can
 * apply it.
 *
 * Semantics carried over exactly:
 * - splits: sample goes left when x <= threshold (BRANCH_LEQ); thresholds are already float32, chosen by the
 *   forest so that float32 comparisons send every training value the same way;
 * - probabilities: the forest averages each tree's normalised leaf class distribution, so every leaf carries
 *   class_weights = distribution / nTrees and post_transform is NONE: the runtime's sum is the mean;
 * - label: ArgMax of the probabilities in the graph (first class on ties, like `predict`), not the node's own
 *   label output: onnxruntime labels a 2-class model by "score of class 1 > 0" unless it is in its binary mode,
 *   whose probability output leaves column 0 at zero. With fully grown trees the leaves are pure and each class's
 *   score is a sum of equal float32 terms, so exact ties survive float arithmetic too (with impure leaves a
 *   near-tie can still flip by float32 rounding).
 *
 * Outputs: `label` int64 [N] and `probabilities` float32 [N, nClasses] as a plain tensor (no ZipMap).
 */
import type { ForestArrays } from '../ml/forest/serialize';
import { DataType, encodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo, type TensorProto } from './model';

export interface ForestOnnxOptions {
  /** Input tensor name (default 'input'); shape [N, nFeatures] float32. */
  inputName?: string;
  /** Labels reported for classes 0..nClasses-1 (default: the class indices). */
  classLabels?: readonly number[];
  /** Free text stored as the model's producer_name. */
  producerName?: string;
}

/** TreeEnsembleClassifier-3: widely supported (later ai.onnx.ml opsets move to the generic TreeEnsemble op). */
const ML_OPSET = 3;
const DEFAULT_OPSET = 17;
/** sklearn's TREE_LEAF marker in left/right. */
const LEAF = -1;

export function forestToOnnx(a: ForestArrays, options: ForestOnnxOptions = {}): Uint8Array {
  const { nTrees, nClasses, nFeatures } = a;
  if (nTrees < 1) throw new Error('forestToOnnx: empty forest');
  const classLabels = options.classLabels ?? Array.from({ length: nClasses }, (_, k) => k);
  if (classLabels.length !== nClasses) throw new Error(`forestToOnnx: ${classLabels.length} labels for ${nClasses} classes`);

  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: string[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const classTreeIds: number[] = [];
  const classNodeIds: number[] = [];
  const classIds: number[] = [];
  const classWeights: number[] = [];
  const seenClass = new Uint8Array(nClasses);
  // With 2 classes onnxruntime switches to its binary mode for any sample where class 1 got no weight entry
  // (writing [-p0, p0]), so zeros are written too; with more classes zero weights are left out.
  const keepZeros = nClasses === 2;

  for (let t = 0; t < nTrees; t++) {
    const lo = a.nodeOffset[t];
    const hi = a.nodeOffset[t + 1];
    for (let g = lo; g < hi; g++) {
      const local = g - lo;
      treeIds.push(t);
      nodeIds.push(local);
      if (a.left[g] === LEAF) {
        modes.push('LEAF');
        featureIds.push(0);
        values.push(0);
        trueIds.push(0);
        falseIds.push(0);
        // Same arithmetic as accumulateProba (value * (1 / weighted samples)), then the 1/nTrees of the mean.
        const inv = 1 / a.weightedNNodeSamples[g];
        for (let k = 0; k < nClasses; k++) {
          const w = (a.value[g * nClasses + k] * inv) / nTrees;
          if (w === 0 && !keepZeros) continue;
          classTreeIds.push(t);
          classNodeIds.push(local);
          classIds.push(k);
          classWeights.push(w);
          seenClass[k] = 1;
        }
      } else {
        modes.push('BRANCH_LEQ');
        featureIds.push(a.feature[g]);
        values.push(a.threshold[g]);
        trueIds.push(a.left[g]);
        falseIds.push(a.right[g]);
      }
    }
  }
  // Every class id that should be scored appears at least once (a zero weight if no leaf votes for it), so the
  // runtime's multi-class / binary decision doesn't depend on the data.
  for (let k = 0; k < nClasses; k++) {
    if (seenClass[k]) continue;
    const firstLeaf = modes.indexOf('LEAF');
    classTreeIds.push(treeIds[firstLeaf]);
    classNodeIds.push(nodeIds[firstLeaf]);
    classIds.push(k);
    classWeights.push(0);
  }

  const inputName = options.inputName ?? 'input';
  const node = makeNode(
    'TreeEnsembleClassifier',
    [inputName],
    // The node's label is left unused (see the header); ArgMax below gives the label.
    ['tree_label', 'probabilities'],
    {
      nodes_treeids: { ints: treeIds },
      nodes_nodeids: { ints: nodeIds },
      nodes_featureids: { ints: featureIds },
      nodes_values: { floats: Float32Array.from(values) },
      nodes_modes: { strings: modes },
      nodes_truenodeids: { ints: trueIds },
      nodes_falsenodeids: { ints: falseIds },
      class_treeids: { ints: classTreeIds },
      class_nodeids: { ints: classNodeIds },
      class_ids: { ints: classIds },
      class_weights: { floats: Float32Array.from(classWeights) },
      classlabels_int64s: { ints: classLabels },
      post_transform: { string: 'NONE' },
    },
    { name: 'forest', domain: 'ai.onnx.ml' },
  );
  const nodes = [node];
  const initializers: TensorProto[] = [];
  const identityLabels = classLabels.every((l, k) => l === k);
  nodes.push(makeNode('ArgMax', ['probabilities'], [identityLabels ? 'label' : 'class_index'], { axis: { int: 1 }, keepdims: { int: 0 } }));
  if (!identityLabels) {
    initializers.push(makeTensor('class_labels', DataType.INT64, [nClasses], BigInt64Array.from(classLabels, (l) => BigInt(l))));
    nodes.push(makeNode('Gather', ['class_labels', 'class_index'], ['label'], { axis: { int: 0 } }));
  }
  const graph = makeGraph(
    'random_forest',
    nodes,
    [makeValueInfo(inputName, DataType.FLOAT, ['N', nFeatures])],
    [makeValueInfo('label', DataType.INT64, ['N']), makeValueInfo('probabilities', DataType.FLOAT, ['N', nClasses])],
    initializers,
  );
  const model = makeModel(graph, { '': DEFAULT_OPSET, 'ai.onnx.ml': ML_OPSET }, { producerName: options.producerName ?? 'brainglass' });
  return encodeModel(model);
}
