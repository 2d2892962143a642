// A full garbage collection on request, for the rare moments when a member has just dropped a
// lot of memory at once: a Raft snapshot leaves its encoded image and the on-disk record made from
// it (each about the keyspace's size) as garbage, and so does restoring one. Nothing else
// allocates much afterwards on an idle member, so V8 may not collect them for a long time, and
// the process keeps hundreds of MiB it no longer uses.
//
// `gc` exists only with --expose-gc; the flag can be set at run time, and a fresh context made
// after that has the function.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const f: unknown = runInNewContext('gc');
      gc = typeof f === 'function' ? (f as () => void) : null;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/**
 * Collect once the member has gone quiet: `progress` (its applied index) unchanged over one
 * interval. Under load V8 reclaims the garbage on its own soon enough, and a forced full
 * collection there would be a pause of its own (100-300 ms for a loaded member), which every
 * request in flight would wait out. Returns a function that cancels the wait.
 */
export function collectGarbageWhenIdle(progress: () => number, intervalMs = 500, collect: () => void = collectGarbage): () => void {
  let last = progress();
  const timer = setInterval(() => {
    const now = progress();
    if (now === last) {
      clearInterval(timer);
      collect();
    }
    last = now;
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
