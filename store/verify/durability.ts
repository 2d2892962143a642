// Durability and agreement after recovery: once every fault is healed and every member is back,
// each member's event log (a watch from revision 1 served by that member alone) must
//  - contain every acknowledged write, at the revision it was acknowledged with;
//  - have no hole: every revision from the first to the final one changed something (in this
//    workload every revision is a write; lease grants take none);
//  - be identical to every other member's log;
// and each member's final keyspace must be what its log adds up to.

import { describeOp, wroteSomething, type Anomaly, type KvOp, type LogEvent, type Observed } from './history.js';
import { EventLog, describeEvent, sameEvent } from './event-log.js';

export interface MemberCopy {
  name: string;
  events: readonly LogEvent[];
  /** The member's keyspace read locally (serializable) at `revision`. */
  finalState: ReadonlyMap<string, Observed>;
  /** The member's current revision when it was read. */
  revision: number;
}

export function checkDurability(ops: readonly KvOp[], members: readonly MemberCopy[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const report = (message: string): void => void anomalies.push({ checker: 'durability', message });
  for (const m of members) {
    const log = new EventLog(m.events);
    for (const o of ops) {
      if (!wroteSomething(o)) continue;
      const rev = o.output!.revision;
      const e = log.eventAt(o.key, rev);
      const want = o.input.f === 'delete' ? { type: 'delete', value: undefined } : { type: 'put', value: o.input.f === 'get' ? undefined : o.input.value };
      if (!e || e.type !== want.type || e.value !== want.value) {
        report(`${m.name} lost the acknowledged ${describeOp(o)}: at revision ${rev} its log has ${e ? describeEvent(e) : 'nothing for that key'}`);
      }
    }
    const first = m.events[0]?.revision ?? m.revision + 1;
    const revs = new Set(m.events.map((e) => e.revision));
    for (let r = first; r <= m.revision; r++) {
      if (!revs.has(r)) {
        report(`${m.name}'s log has no event at revision ${r} (between ${first} and ${m.revision})`);
        break;
      }
    }
    for (let i = 1; i < m.events.length; i++) {
      if (m.events[i]!.revision < m.events[i - 1]!.revision) {
        report(`${m.name}'s log goes back from revision ${m.events[i - 1]!.revision} to ${m.events[i]!.revision}`);
        break;
      }
    }
    const replayed = log.finalState();
    const keys = new Set([...replayed.keys(), ...m.finalState.keys()]);
    for (const key of keys) {
      const a = replayed.get(key) ?? null;
      const b = m.finalState.get(key) ?? null;
      if ((a?.value ?? null) !== (b?.value ?? null) || (a?.modRevision ?? 0) !== (b?.modRevision ?? 0)) {
        report(`${m.name}: ${key} is ${b ? `${b.value}@${b.modRevision}` : 'absent'} but its log adds up to ${a ? `${a.value}@${a.modRevision}` : 'absent'}`);
      }
    }
  }
  // Agreement: the same events in the same order on every member, up to the shortest log.
  const [ref, ...others] = members;
  for (const m of others) {
    const n = Math.min(ref!.events.length, m.events.length);
    for (let i = 0; i < n; i++) {
      if (!sameEvent(ref!.events[i]!, m.events[i]!)) {
        report(`${ref!.name} and ${m.name} disagree at event ${i}: ${describeEvent(ref!.events[i]!)} vs ${describeEvent(m.events[i]!)}`);
        break;
      }
    }
    if (ref!.revision === m.revision && ref!.events.length !== m.events.length) {
      report(`${ref!.name} and ${m.name} are both at revision ${m.revision} with ${ref!.events.length} and ${m.events.length} events`);
    }
  }
  return anomalies;
}
