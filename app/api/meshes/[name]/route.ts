import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { isMeshFileName, MESH_FILES } from '@/app/_components/brain/mesh-files';
import { giftiMesh } from '@/lib/mesh/gifti';
import { writeMz3 } from '@/lib/mesh/mz3';
import { assetPath } from '@/server/assets';

/** GIfTI surfaces re-encoded as gzipped MZ3, once per file and process. */
const converted = new Map<string, Promise<Uint8Array>>();

async function fileBytes(file: string): Promise<Uint8Array> {
  const full = assetPath(file);
  if (!file.endsWith('.gii.gz')) return readFile(full);
  let bytes = converted.get(full);
  if (!bytes) {
    bytes = readFile(full).then((gii) => gzipSync(writeMz3(giftiMesh(gii))));
    bytes.catch(() => converted.delete(full));
    converted.set(full, bytes);
  }
  return bytes;
}

/**
 * Brain meshes for the 3D viewer, as the assets folder stores them (gzipped MZ3); the browser inflates them with
 * its own DecompressionStream (Next does not let a route handler set Content-Encoding) and decodes them with
 * lib/mesh. Files are fixed for a name (checked against SHA256SUMS), so they may be cached for a year.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  if (!isMeshFileName(name)) {
    return Response.json({ error: `unknown mesh '${name}'; one of ${Object.keys(MESH_FILES).join(', ')}` }, { status: 404 });
  }
  let bytes: Uint8Array;
  try {
    bytes = await fileBytes(MESH_FILES[name]);
  } catch (error) {
    // A missing assets folder is the deployment's to fix: the message says how (see server/assets.ts).
    return Response.json({ error: (error as Error).message }, { status: 503 });
  }
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': name === 'aal-labels' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
      'Cache-Control': 'public, max-age=31536000, immutable',
    },
  });
}
