/** One side of bench:ingest: copy a file into a fresh blob store, then ingest it as the job does. Prints JSON. */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRecording } from '@/lib/formats';
import { LocalBlobStore, blobSource } from '@/server/storage/blobs';
import { writeCanonicalSignal } from '@/workers/handlers/ingest';

const file = process.argv[2]!;
const root = mkdtempSync(path.join(os.tmpdir(), 'brainglass-bench-blobs-'));
try {
  const blobs = new LocalBlobStore(root);
  const start = performance.now();
  const stored = await blobs.putStream(createReadStream(file));
  const reader = await openRecording(blobSource(blobs, { name: path.basename(file), key: stored.key, size: statSync(file).size }), async () => null);
  await writeCanonicalSignal(reader, blobs);
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ seconds, peakMb: process.resourceUsage().maxRSS / 1024, nSamples: reader.info.nSamples }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
