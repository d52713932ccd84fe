import { TRPCError } from '@trpc/server';
import { auth } from './auth';
import { requireRole } from './authz';
import { getRuntime, type Runtime } from './runtime';

/**
 * File downloads of results, behind the same rules as tRPC: signed in, and a member of the lab (else 404).
 * `make` returns the body, its type and file name.
 */
export async function download(
  labId: string,
  make: (runtime: Runtime) => Promise<{ body: Uint8Array | string; type: string; name: string }>,
): Promise<Response> {
  const session = await auth();
  if (!session?.user?.id) return new Response('Sign in first\n', { status: 401 });
  const runtime = await getRuntime();
  try {
    await requireRole(runtime.db, labId, session.user.id, 'viewer');
    const file = await make(runtime);
    return new Response(typeof file.body === 'string' ? file.body : new Blob([file.body as BlobPart]), {
      headers: { 'content-type': file.type, 'content-disposition': `attachment; filename="${file.name}"` },
    });
  } catch (err) {
    if (err instanceof TRPCError) return new Response(`${err.message}\n`, { status: err.code === 'NOT_FOUND' ? 404 : err.code === 'FORBIDDEN' ? 403 : 400 });
    throw err;
  }
}
