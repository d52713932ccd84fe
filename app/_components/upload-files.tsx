'use client';

import { useRef, useState } from 'react';
import { Upload } from 'tus-js-client';
import { Button, ErrorMessage, ProgressBar } from './ui';

interface FileState {
  name: string;
  size: number;
  sent: number;
  uploadId: string | null;
  error: string | null;
}

/**
 * Resumable, chunked upload of several files (tus). Choosing the same files again after a reload or a dropped
 * connection resumes where they stopped; `onDone` gets the upload ids once every file is complete.
 */
export function UploadFiles({
  labId,
  onDone,
  label = 'Upload',
  inputLabel = 'Files to upload',
}: {
  labId: string;
  onDone: (uploadIds: string[], names: string[]) => void;
  label?: string;
  /** The file input's accessible name, distinct where a page has more than one upload. */
  inputLabel?: string;
}) {
  const [files, setFiles] = useState<FileState[]>([]);
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const uploads = useRef<Upload[]>([]);
  const input = useRef<HTMLInputElement>(null);

  function update(i: number, patch: Partial<FileState>) {
    setFiles((prev) => prev.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  }

  async function start() {
    const chosen = Array.from(input.current?.files ?? []);
    if (!chosen.length) return setError('Choose one or more files first');
    setError(null);
    setPaused(false);
    setFiles(chosen.map((f) => ({ name: f.name, size: f.size, sent: 0, uploadId: null, error: null })));
    const ids: string[] = new Array(chosen.length);
    let finished = 0;
    uploads.current = chosen.map(
      (file, i) =>
        new Upload(file, {
          endpoint: '/api/uploads',
          chunkSize: 8 * 1024 * 1024,
          retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
          metadata: { filename: file.name, filetype: file.type || 'application/octet-stream', labId },
          // Resuming is per lab and file: the same file chosen again continues where it stopped.
          fingerprint: async () => ['brainglass', labId, file.name, file.size, file.lastModified].join(':'),
          removeFingerprintOnSuccess: true,
          onProgress: (sent) => update(i, { sent }),
          onError: (err) => update(i, { error: err.message.split('\n')[0] ?? String(err) }),
          onSuccess: () => {
            const id = uploads.current[i]!.url!.split('/').pop()!;
            ids[i] = id;
            update(i, { sent: file.size, uploadId: id });
            if (++finished === chosen.length) onDone(ids, chosen.map((f) => f.name));
          },
        }),
    );
    for (const upload of uploads.current) {
      const previous = await upload.findPreviousUploads();
      if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }
  }

  function togglePause() {
    if (paused) uploads.current.forEach((u) => u.start());
    else uploads.current.forEach((u) => void u.abort());
    setPaused(!paused);
  }

  const active = files.length > 0 && files.some((f) => f.uploadId === null && !f.error);
  return (
    <div className="stack">
      <div className="row">
        <input ref={input} type="file" multiple aria-label={inputLabel} className="input" />
        <Button onClick={() => void start()} disabled={active && !paused}>
          {label}
        </Button>
        {active && (
          <Button variant="secondary" onClick={togglePause}>
            {paused ? 'Resume' : 'Pause'}
          </Button>
        )}
      </div>
      <ErrorMessage error={error} />
      {files.map((f) => (
        <div key={f.name}>
          <div className="row">
            <span className="mono">{f.name}</span>
            <span className="muted">{(f.size / 1e6).toFixed(1)} MB</span>
          </div>
          <ProgressBar value={f.size ? f.sent / f.size : 1} label={`Upload of ${f.name}`} />
          <ErrorMessage error={f.error} />
        </div>
      ))}
    </div>
  );
}
