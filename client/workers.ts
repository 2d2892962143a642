// The worker loop every controller writes the same way (client-go's processNextWorkItem):
// take a key, reconcile it, then forget its backoff on success or retry it rate-limited on error,
// and always done() so a key re-added meanwhile gets processed again.

import { errorText, type Logger } from './log.js';
import type { WorkQueue } from './types.js';

/** What a reconcile may ask for besides success: look at this key again later. */
export type ReconcileResult = void | { requeueAfterMs?: number };

export type Reconcile = (key: string) => Promise<ReconcileResult>;

/** Runs `workers` loops until the queue shuts down; resolves when they have all finished. */
export async function runWorkers(queue: WorkQueue, workers: number, reconcile: Reconcile, log?: Logger): Promise<void> {
  const loop = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await reconcile(key);
        queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        log?.warn(`reconcile ${key} failed, retrying with backoff: ${errorText(err)}`);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, loop));
}
