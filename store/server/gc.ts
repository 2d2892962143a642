// A full garbage collection on request, for the rare moments when a member has just dropped a
// lot of memory at once: a Raft snapshot makes two or three transient copies of the whole keyspace
// image (about its size each). Nothing else allocates much afterwards on an idle member, so V8 may
// not collect them for a long time, and the process keeps hundreds of MiB it no longer uses.
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
