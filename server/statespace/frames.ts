/**
 * POST /api/sessions/{sessionId}/frames: a device bridge's samples into a live session (docs/streaming.md).
 * Authenticated by the session's token (Authorization: Bearer), one or more binary frames per request.
 * Answers: 200 with what was taken, 400 for a malformed frame (the message says what and where), 401 for a wrong
 * token or unknown session, 409 for a closed session or a replay session, 413 for a body over MAX_BODY_BYTES,
 * 429 with Retry-After when the session's queue is full (frames before the refused one were taken: resend the rest).
 */
import { FrameError, decodeFrames } from '@/lib/eeg';
import { RETRY_AFTER_S, sessionHub, type HubRuntime } from './hub';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const reply = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });

export async function receiveFrames(runtime: HubRuntime, sessionId: string, request: Request): Promise<Response> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!token) return reply(401, { error: 'Send the session token as "Authorization: Bearer <token>"' }, { 'www-authenticate': 'Bearer' });
  const session = await sessionHub(runtime).authenticate(sessionId, token);
  if (!session) return reply(401, { error: 'Unknown session, or the token is not this session’s' }, { 'www-authenticate': 'Bearer' });
  if (session.source !== 'device') return reply(409, { error: 'This session replays a recording; it takes no device frames' });
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return reply(413, { error: `A request may carry at most ${MAX_BODY_BYTES} bytes of frames` });
  const body = new Uint8Array(await request.arrayBuffer());
  // The samples have arrived once the whole body is read: latency is measured from here.
  const arrivedAt = performance.now();
  if (body.length > MAX_BODY_BYTES) return reply(413, { error: `A request may carry at most ${MAX_BODY_BYTES} bytes of frames` });
  let frames;
  try {
    frames = decodeFrames(body);
  } catch (err) {
    if (err instanceof FrameError) return reply(400, { error: err.message });
    throw err;
  }
  let accepted = 0;
  for (const frame of frames) {
    const result = session.accept({ ...frame, layout: 'interleaved' }, arrivedAt);
    if (!result.ok) {
      const headers: Record<string, string> = result.status === 429 ? { 'retry-after': String(RETRY_AFTER_S) } : {};
      return reply(result.status, { error: result.message, accepted }, headers);
    }
    accepted++;
  }
  const { framesDropped, framesLate } = session.stats();
  return reply(200, { accepted, framesDropped, framesLate });
}
