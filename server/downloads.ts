import { TRPCError } from '@trpc/server';
import { cookies } from 'next/headers';
import { auth } from './auth';
import { access } from './authz';
import { getRuntime, type Runtime } from './runtime';
import { REVIEW_COOKIE, reviewGrantOfCookie } from './services/sharing';

/**
 * File downloads of results, behind the same rules as tRPC's readProcedure (server/authz.ts access()): members,
 * labs the object is shared with and reviewers with a link; anyone else gets 404. `object` names the object as a
 * tRPC input would ({ analysisId }); `make` returns the body, its type and file name.
 */
export async function download(
  labId: string,
  object: Record<string, string> | null,
  make: (runtime: Runtime) => Promise<{ body: Uint8Array | string; type: string; name: string }>,
): Promise<Response> {
  const [session, runtime, jar] = await Promise.all([auth(), getRuntime(), cookies()]);
  const review = await reviewGrantOfCookie(runtime.db, runtime.config.authSecret, jar.get(REVIEW_COOKIE)?.value);
  if (!session?.user?.id && !review) return new Response('Sign in first\n', { status: 401 });
  try {
    await access(runtime.db, { userId: session?.user?.id ?? null, review }, labId, object, 'viewer');
    const file = await make(runtime);
    return new Response(typeof file.body === 'string' ? file.body : new Blob([file.body as BlobPart]), {
      headers: { 'content-type': file.type, 'content-disposition': `attachment; filename="${file.name}"` },
    });
  } catch (err) {
    if (err instanceof TRPCError) return new Response(`${err.message}\n`, { status: err.code === 'NOT_FOUND' ? 404 : err.code === 'FORBIDDEN' ? 403 : 400 });
    throw err;
  }
}
