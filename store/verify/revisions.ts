// etcd's global revision as extra evidence, across keys (the linearizability checker sees one key
// at a time and ignores revisions):
//  - every acknowledged write that changed the store has its own revision (no two share one);
//  - revisions respect real time: an operation invoked after another returned has a larger
//    revision if it wrote, or reads at a revision at least as large if it only read
//    (linearizable reads and writes that changed nothing; serializable reads may be stale);
//  - every value a read returned was written by an operation of the history, and when that
//    write's revision is known, the read reports it as the key's mod_revision.

import { describeOp, wroteSomething, type Anomaly, type KvOp } from './history.js';

export function checkRevisions(ops: readonly KvOp[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const report = (message: string): void => void anomalies.push({ checker: 'revisions', message });
  const done = ops.filter((o) => o.output !== undefined);

  const byRevision = new Map<number, KvOp>();
  for (const o of done) {
    if (!wroteSomething(o)) continue;
    const rev = o.output!.revision;
    const other = byRevision.get(rev);
    if (other) report(`two writes acknowledged at revision ${rev}: ${describeOp(other)} and ${describeOp(o)}`);
    else byRevision.set(rev, o);
  }

  // Real time: sweep operations by invocation, folding in those that returned before it.
  const ordered = done.filter((o) => !(o.input.f === 'get' && o.input.serializable));
  const byCall = [...ordered].sort((a, b) => a.call - b.call);
  const byRet = [...ordered].sort((a, b) => a.ret - b.ret);
  let i = 0;
  let floor: KvOp | undefined; // the returned operation with the largest revision so far
  for (const b of byCall) {
    while (i < byRet.length && byRet[i]!.ret < b.call) {
      const a = byRet[i++]!;
      if (!floor || a.output!.revision > floor.output!.revision) floor = a;
    }
    if (!floor) continue;
    const rev = b.output!.revision;
    const before = floor.output!.revision;
    const beforeWrote = wroteSomething(floor);
    if (wroteSomething(b) ? rev <= before : rev < before) {
      report(`${describeOp(b)} was invoked after ${describeOp(floor)} returned, yet its revision ${rev} is ${wroteSomething(b) || !beforeWrote ? 'not above' : 'below'} ${before}`);
    }
  }

  // Reads against writes: values are unique, so a value names its writer.
  const writerOf = new Map<string, KvOp>();
  for (const o of ops) if (o.input.f === 'put' || o.input.f === 'cas') writerOf.set(o.input.value, o);
  for (const o of done) {
    const out = o.output!;
    const seen = out.f === 'get' || out.f === 'cas' ? out.current : null;
    if (!seen) continue;
    const writer = writerOf.get(seen.value);
    if (!writer || writer.key !== o.key) {
      report(`${describeOp(o)} returned a value no operation wrote to ${o.key}`);
      continue;
    }
    if (writer.call > o.ret) report(`${describeOp(o)} returned the value of ${describeOp(writer)}, which was invoked after it`);
    if (writer.output && wroteSomething(writer) && writer.output.revision !== seen.modRevision) {
      report(`${describeOp(o)} returned mod_revision ${seen.modRevision} for the value written at revision ${writer.output.revision} by ${describeOp(writer)}`);
    }
    if (seen.modRevision > out.revision) report(`${describeOp(o)} returned a mod_revision above its own header revision`);
  }
  return anomalies;
}
