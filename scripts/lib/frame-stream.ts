/**
 * A device bridge in a few lines: posts a recording's samples to a live session's frames endpoint at real time
 * (times `speed`), one binary frame per request (lib/eeg/frames.ts, docs/streaming.md). On 429 it waits as told and
 * resends; any other refusal ends the stream with the server's message.
 */
import { encodeFrame } from '@/lib/eeg';

export interface FrameStreamOptions {
  /** The server, e.g. http://localhost:3000. */
  url: string;
  sessionId: string;
  token: string;
  sfreq: number;
  nChannels: number;
  nSamples: number;
  /** Interleaved float32 volts of samples [start, start + n). */
  read: (start: number, n: number) => Promise<Float32Array> | Float32Array;
  /** Playback rate against real time (default 1). */
  speed?: number;
  /** Samples per frame (default: 40 ms worth). */
  frameSamples?: number;
  /** Called as each frame is about to be posted, with its first sample and the time. */
  onSend?: (first: number, n: number, at: number) => void;
  signal?: AbortSignal;
}

export interface FrameStreamResult {
  frames: number;
  /** Requests answered 429 and resent. */
  refused: number;
  /** What the server counted as dropped (sequence gaps) by the end. */
  framesDropped: number;
  seconds: number;
}

export class StreamRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`the server answered ${status}: ${message}`);
    this.name = 'StreamRefused';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function streamFrames(o: FrameStreamOptions): Promise<FrameStreamResult> {
  const speed = o.speed ?? 1;
  const frameSamples = o.frameSamples ?? Math.max(1, Math.round(0.04 * o.sfreq));
  const endpoint = `${o.url.replace(/\/$/, '')}/api/sessions/${encodeURIComponent(o.sessionId)}/frames`;
  const started = performance.now();
  const wallStart = Date.now();
  let sequence = 0;
  let refused = 0;
  let framesDropped = 0;
  for (let start = 0; start < o.nSamples && !o.signal?.aborted; ) {
    const n = Math.min(frameSamples, o.nSamples - start);
    // A device sends a frame once its last sample is measured.
    await sleep(started + (((start + n) / o.sfreq) * 1000) / speed - performance.now());
    const body = encodeFrame({ sequence, nChannels: o.nChannels, sfreq: o.sfreq, timestamp: wallStart + ((start / o.sfreq) * 1000) / speed, samples: await o.read(start, n) });
    for (;;) {
      o.onSend?.(start, n, performance.now());
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/octet-stream' },
        body: body as BodyInit,
        signal: o.signal,
      });
      const reply = (await res.json().catch(() => ({}))) as { error?: string; framesDropped?: number };
      if (res.status === 429) {
        refused++;
        await sleep(1000 * Number(res.headers.get('retry-after') ?? 1));
        continue;
      }
      if (!res.ok) throw new StreamRefused(res.status, reply.error ?? res.statusText);
      framesDropped = reply.framesDropped ?? framesDropped;
      break;
    }
    sequence++;
    start += n;
  }
  return { frames: sequence, refused, framesDropped, seconds: (performance.now() - started) / 1000 };
}
