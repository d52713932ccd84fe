import { parentPort } from 'node:worker_threads';
import { threadTasks, type ThreadTasks } from './tasks';

export type ThreadRequest = { task: keyof ThreadTasks; input: unknown };
export type ThreadMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; result: unknown }
  | { type: 'error'; message: string; stack?: string };

/** Typed arrays found in a result are moved to the parent, not copied. */
function transferables(value: unknown, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !out.includes(value.buffer)) out.push(value.buffer);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) transferables(v, out);
  }
  return out;
}

parentPort!.once('message', (request: ThreadRequest) => {
  const post = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
  let last = 0;
  try {
    const run = threadTasks[request.task] as (input: unknown, progress: (f: number) => void) => unknown;
    const result = run(request.input, (fraction) => {
      const now = Date.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      post({ type: 'progress', fraction });
    });
    post({ type: 'done', result }, transferables(result));
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', message: e.message, stack: e.stack });
  }
});
