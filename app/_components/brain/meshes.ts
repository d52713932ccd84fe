/**
 * Client-side loading of the meshes /api/meshes serves (gzipped MZ3), decoded with lib/mesh. Each file is fetched
 * and decoded once per page, however many components ask for it.
 */
import { parseAalLabels } from '@/lib/atlas/labels';
import { readMz3 } from '@/lib/mesh/mz3';
import type { Mesh } from '@/lib/mesh/types';
import type { MeshFileName } from './mesh-files';
import type { BrainMeshes } from './viewer';

const loaded = new Map<MeshFileName, Promise<Mesh>>();

async function fetchBytes(name: MeshFileName): Promise<Uint8Array> {
  const response = await fetch(`/api/meshes/${name}`);
  if (!response.ok) {
    const detail = await response.json().catch(() => null);
    throw new Error(`mesh '${name}' could not be loaded: ${detail?.error ?? response.statusText}`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  // Gzipped as stored: the browser's own inflater, so no JavaScript zlib is needed here.
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

export function loadMesh(name: Exclude<MeshFileName, 'aal-labels'>): Promise<Mesh> {
  let mesh = loaded.get(name);
  if (!mesh) {
    mesh = fetchBytes(name).then(readMz3);
    // A failed load may be retried.
    mesh.catch(() => loaded.delete(name));
    loaded.set(name, mesh);
  }
  return mesh;
}

let aalLabels: Promise<Map<number, string>> | null = null;

/** AAL index -> region name (e.g. 1 -> 'Precentral_L'). */
export function loadAalLabels(): Promise<Map<number, string>> {
  aalLabels ??= fetchBytes('aal-labels').then((bytes) => parseAalLabels(new TextDecoder().decode(bytes)));
  return aalLabels;
}

/** The two ICBM152 hemispheres. */
export async function loadCortex(): Promise<Pick<BrainMeshes, 'lh' | 'rh'>> {
  const [lh, rh] = await Promise.all([loadMesh('lh'), loadMesh('rh')]);
  return { lh, rh };
}

/** The inflated fsaverage hemispheres with their pial surfaces. */
export async function loadInflated(): Promise<BrainMeshes['inflated']> {
  const [lh, rh, lhPial, rhPial] = await Promise.all([loadMesh('inflated-lh'), loadMesh('inflated-rh'), loadMesh('pial-lh'), loadMesh('pial-rh')]);
  return { lh, rh, lhPial, rhPial };
}
