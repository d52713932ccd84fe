import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ThreadMessage, ThreadRequest } from './entry';
import type { ThreadTasks } from './tasks';

/** The thread entry, bundled by scripts/build-threads.mjs so it runs without a TypeScript loader. */
export const threadEntry = path.join(/* turbopackIgnore: true */ process.cwd(), '.build', 'threads.mjs');

export class ThreadError extends Error {
  constructor(task: string, message: string, readonly threadStack?: string) {
    super(`${task}: ${message}`);
    this.name = 'ThreadError';
  }
}

/**
 * Runs one task in a fresh worker thread, so heavy compute never blocks the process that serves pages.
 * Aborting the signal terminates the thread at once.
 */
export function runInThread<K extends keyof ThreadTasks>(
  task: K,
  input: Parameters<ThreadTasks[K]>[0],
  options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<ReturnType<ThreadTasks[K]>> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason);
    const worker = new Worker(/* turbopackIgnore: true */ threadEntry);
    const onAbort = () => {
      void worker.terminate();
      reject(options.signal!.reason);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
    };
    worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.fraction);
      else if (message.type === 'done') {
        finish();
        resolve(message.result as ReturnType<ThreadTasks[K]>);
      } else {
        finish();
        reject(new ThreadError(task, message.message, message.stack));
      }
    });
    worker.on('error', (err) => {
      finish();
      reject(err);
    });
    worker.on('exit', (code) => {
      if (code !== 0 && !options.signal?.aborted) reject(new ThreadError(task, `thread exited with code ${code}`));
    });
    worker.postMessage({ task, input } satisfies ThreadRequest);
  });
}
