/**
 * onnxruntime-node sessions on the best execution provider this machine has: CUDA when onnxruntime lists it
 * and its provider libraries load, the CPU otherwise. npm leaves those libraries out; a GPU machine (CUDA 12,
 * cuDNN 9) gets them with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`. CUDA is only tried when
 * the provider library is there (onnxruntime lists CUDA either way, and logs a loud error when it is missing); if
 * trying fails anyway, later sessions go straight to the CPU.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { InferenceSession, listSupportedBackends } from 'onnxruntime-node';

export type ExecutionProvider = 'cuda' | 'cpu';

/** 'auto' tries CUDA and falls back to the CPU; naming a provider makes its absence an error. */
export type ProviderChoice = 'auto' | ExecutionProvider;

export interface OpenedSession {
  session: InferenceSession;
  provider: ExecutionProvider;
}

// Set after the first failed CUDA attempt, so a machine without the libraries pays (and logs) it once.
let cudaFailed = false;

export function cudaListed(): boolean {
  return listSupportedBackends().some((b) => b.name === 'cuda') && cudaLibraryPresent();
}

/**
 * Whether onnxruntime-node's CUDA provider library was installed. The package is found by module resolution, or in
 * the working directory's node_modules where a bundler (Next.js) has replaced resolution with a module id.
 */
function cudaLibraryPresent(): boolean {
  const roots = [path.join(process.cwd(), 'node_modules', 'onnxruntime-node')];
  try {
    roots.unshift(path.join(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..'));
  } catch {
    // bundled: the working-directory fallback decides
  }
  const file = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return roots.some((root) => existsSync(path.join(root, 'bin', 'napi-v6', process.platform, process.arch, file)));
}

export async function openSession(model: Uint8Array, choice: ProviderChoice = 'auto'): Promise<OpenedSession> {
  const tryCuda = choice === 'cuda' || (choice === 'auto' && !cudaFailed && cudaListed());
  if (tryCuda) {
    try {
      // CPU as well: ops without a CUDA kernel run there.
      const session = await InferenceSession.create(model, { executionProviders: ['cuda', 'cpu'] });
      return { session, provider: 'cuda' };
    } catch (err) {
      if (choice === 'cuda') throw new Error(`onnxruntime: the CUDA execution provider is not available (${(err as Error).message})`);
      cudaFailed = true;
    }
  }
  return { session: await InferenceSession.create(model, { executionProviders: ['cpu'] }), provider: 'cpu' };
}
