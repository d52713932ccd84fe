import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, makeGraph, makeModel, makeNode, makeValueInfo } from './model';
import { cudaListed, openSession } from './session';

const identity = encodeModel(makeModel(makeGraph('id', [makeNode('Identity', ['x'], ['y'])], [makeValueInfo('x', DataType.FLOAT, [1])], [makeValueInfo('y', DataType.FLOAT, [1])]), { '': 13 }));

describe('execution provider choice', () => {
  it('runs on the CPU when asked, and tries CUDA only where onnxruntime lists it', async () => {
    const cpu = await openSession(identity, 'cpu');
    expect(cpu.provider).toBe('cpu');
    await cpu.session.release();
    const auto = await openSession(identity);
    await auto.session.release();
    if (!cudaListed()) expect(auto.provider).toBe('cpu');
    // Auto fell back to the CPU: CUDA is listed but cannot load here, and asking for it by name says so.
    if (auto.provider === 'cpu' && cudaListed()) {
      await expect(openSession(identity, 'cuda')).rejects.toThrow(/^onnxruntime: the CUDA execution provider is not available \(/);
    }
  });
});
