/** ONNX without a protobuf dependency: wire format, typed model, forest export, graph tools for Level 2. */
export * from './protobuf';
export * from './model';
export * from './tree-ensemble';
export * from './graph';
