/**
 * Replays a stored recording into a live session as a device would: every TICK_MS the samples that real time
 * (times the speed) has reached are sent as one frame through the session's queue. A full queue makes the replay
 * wait, as a well-behaved device does on 429, so no sample is lost.
 */
import type { SignalLayout } from '@/db/schema';
import type { BlobStore } from '@/server/storage/blobs';
import type { LiveSession } from './hub';

export const REPLAY_SPEEDS = [1, 2, 10] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

const TICK_MS = 20;

export interface ReplaySource {
  blobs: BlobStore;
  layout: SignalLayout;
  sfreq: number;
  nSamples: number;
  /** Channels of the recording (indices) that the session streams. */
  channels: number[];
}

export class Replay {
  private running = false;
  private position = 0;
  private sequence = 0;
  private speed: ReplaySpeed = 1;
  private chunk: { index: number; data: Float32Array; length: number } | null = null;
  /** Real time and position the current pace is measured from (reset on start and speed changes). */
  private origin = { at: 0, position: 0 };
  private loop: Promise<void> | null = null;
  error: string | null = null;

  constructor(
    private readonly session: LiveSession,
    private readonly source: ReplaySource,
  ) {}

  state() {
    const { sfreq, nSamples } = this.source;
    return { running: this.running, speed: this.speed, positionS: this.position / sfreq, durationS: nSamples / sfreq, error: this.error };
  }

  /** Plays from where it stopped (from the start once it reached the end). */
  start(speed: ReplaySpeed): void {
    this.setSpeed(speed);
    if (this.running) return;
    if (this.position >= this.source.nSamples) this.position = 0;
    this.running = true;
    this.error = null;
    this.origin = { at: performance.now(), position: this.position };
    this.loop = this.play().catch((err: unknown) => {
      this.error = err instanceof Error ? err.message : String(err);
      this.running = false;
    });
  }

  setSpeed(speed: ReplaySpeed): void {
    this.speed = speed;
    this.origin = { at: performance.now(), position: this.position };
  }

  stop(): void {
    this.running = false;
  }

  /** Resolves when the replay loop has ended (after stop, at the end, or on an error). */
  async finished(): Promise<void> {
    await this.loop;
  }

  private async play(): Promise<void> {
    const { sfreq, nSamples } = this.source;
    while (this.running) {
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      const due = Math.min(nSamples, this.origin.position + Math.floor(((performance.now() - this.origin.at) / 1000) * sfreq * this.speed));
      while (this.running && this.position < due) {
        const frame = await this.read(this.position, due);
        const result = this.session.accept({
          sequence: this.sequence,
          nChannels: this.source.channels.length,
          nSamples: frame.length / this.source.channels.length,
          sfreq,
          samples: frame,
          layout: 'channel-major',
        });
        if (!result.ok) {
          if (result.status !== 429) throw new Error(result.message);
          // Behind: keep the pace from here rather than rushing to catch up.
          this.origin = { at: performance.now(), position: this.position };
          break;
        }
        this.sequence = (this.sequence + 1) >>> 0;
        this.position += frame.length / this.source.channels.length;
      }
      if (this.position >= nSamples) this.running = false;
    }
  }

  /** Samples [from, to) of the streamed channels, channel-major, cut at the end of the chunk that holds `from`. */
  private async read(from: number, to: number): Promise<Float32Array> {
    const { layout, blobs, nSamples, channels } = this.source;
    const index = Math.floor(from / layout.chunkSamples);
    if (this.chunk?.index !== index) {
      const bytes = await blobs.get(layout.chunks[index]!);
      const length = Math.min(layout.chunkSamples, nSamples - index * layout.chunkSamples);
      this.chunk = { index, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), length };
    }
    const { data, length } = this.chunk;
    const offset = from - index * layout.chunkSamples;
    const n = Math.min(to - from, length - offset);
    const out = new Float32Array(channels.length * n);
    channels.forEach((c, i) => out.set(data.subarray(c * length + offset, c * length + offset + n), i * n));
    return out;
  }
}
