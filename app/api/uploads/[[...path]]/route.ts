import { Server } from '@tus/server';
import { requireRole } from '@/server/authz';
import { auth } from '@/server/auth';
import { getRuntime } from '@/server/runtime';
import { uploadStore } from '@/server/uploads/store';

/**
 * Resumable uploads (tus protocol): files arrive in chunks, survive reloads and dropped connections, and are streamed
 * to disk. Metadata says which lab they are for; only its editors may upload, and only the uploader may continue.
 */
async function tusServer(): Promise<Server> {
  const runtime = await getRuntime();
  const g = globalThis as unknown as { __brainglassTus?: Server };
  g.__brainglassTus ??= new Server({
    path: '/api/uploads',
    datastore: uploadStore(runtime.config.uploadDir),
    maxSize: 50 * 1024 ** 3,
    respectForwardedHeaders: true,
    async onUploadCreate(_req, upload) {
      const session = await auth();
      if (!session?.user?.id) throw { status_code: 401, body: 'Sign in first\n' };
      const labId = upload.metadata?.labId;
      if (!labId || !upload.metadata?.filename) throw { status_code: 400, body: 'Upload metadata must name the lab (labId) and the file (filename)\n' };
      try {
        await requireRole(runtime.db, labId, session.user.id, 'editor');
      } catch (err) {
        throw { status_code: 403, body: `${err instanceof Error ? err.message : 'Not allowed'}\n` };
      }
      return { metadata: { ...upload.metadata, userId: session.user.id } };
    },
    async onIncomingRequest(req, uploadId) {
      if (req.method === 'POST' || req.method === 'OPTIONS') return;
      const session = await auth();
      const upload = await uploadStore(runtime.config.uploadDir).getUpload(uploadId).catch(() => null);
      if (!session?.user?.id || upload?.metadata?.userId !== session.user.id) throw { status_code: 404, body: 'Upload not found\n' };
    },
  });
  return g.__brainglassTus;
}

const handler = async (req: Request) => (await tusServer()).handleWeb(req);

export { handler as GET, handler as POST, handler as PATCH, handler as DELETE, handler as OPTIONS, handler as HEAD };
