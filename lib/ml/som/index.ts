/** Level 3 mental state map: a class-aware self-organising map, its quality measures and ONNX export. */
export * from './grid';
export * from './som';
export * from './quality';
export * from './onnx';
