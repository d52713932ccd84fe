import { getRuntime } from '@/server/runtime';
import { receiveFrames } from '@/server/statespace/frames';

/** A device bridge posts binary EEG frames here (docs/streaming.md); the session token authenticates it. */
export async function POST(request: Request, { params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  return receiveFrames(await getRuntime(), sessionId, request);
}
