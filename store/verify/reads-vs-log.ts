// Every read, linearizable or serializable, happened at a revision (its header's): what it
// returned must be what the store's own log says the key held at that revision. This is how
// serializable reads are checked: they may be stale, but never show a state that never existed.

import { describeOp, type Anomaly, type KvOp } from './history.js';
import type { EventLog } from './event-log.js';

export function checkReadsAgainstLog(ops: readonly KvOp[], log: EventLog): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const o of ops) {
    const out = o.output;
    if (!out) continue;
    if (out.f !== 'get' && !(out.f === 'cas' && !out.succeeded)) continue;
    const expected = log.stateAt(o.key, out.revision);
    const got = out.current;
    if ((expected?.value ?? null) !== (got?.value ?? null) || (expected?.modRevision ?? 0) !== (got?.modRevision ?? 0)) {
      const show = (s: typeof got) => (s ? `${s.value}@${s.modRevision}` : 'absent');
      anomalies.push({ checker: 'revisions', message: `${describeOp(o)}: at revision ${out.revision} the log says ${show(expected)}, the read said ${show(got)}` });
    }
  }
  return anomalies;
}
