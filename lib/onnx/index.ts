/**
 * ONNX without a protobuf dependency: wire format, typed model, forest export, graph tools for Level 2.
 * session.ts and activations.ts run models with onnxruntime-node; import them by path, so this index never
 * loads the runtime's native binding.
 */
export * from './protobuf';
export * from './model';
export * from './tree-ensemble';
export * from './graph';
export * from './inputs';
