import { TRPCError } from '@trpc/server';
import { publishedFile } from '@/server/published';
import { publishedContactMaps } from '@/server/services/publishing';

/** /p/<slug>/v<N>/contacts/<channelIndex>.json: one contact's maps of a published Level 1 result. */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string; version: string; file: string }> }) {
  const match = /^(\d{1,6})\.json$/.exec((await params).file);
  return publishedFile(request, params, async (runtime, snapshot) => {
    if (!match || snapshot.kind !== 'signatures') throw new TRPCError({ code: 'NOT_FOUND', message: 'No such contact' });
    return { body: JSON.stringify(await publishedContactMaps(runtime.blobs, snapshot, Number(match[1]))), type: 'application/json' };
  });
}
