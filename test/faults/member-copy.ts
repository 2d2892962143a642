// After recovery: one member's own copy of the store, read from that member alone (a client with
// only its endpoint, serializable reads, a watch from revision 1 served from its local history),
// at a revision every member is asked for, so that copies can be compared.

import { EtcdClient } from '../../store/client/index.js';
import type { MemberCopy } from '../../store/verify/durability.js';
import type { Observed } from '../../store/verify/history.js';
import type { ClusterMember } from '../store/testing/cluster.js';
import { toLogEvent } from './watch-recorder.js';

const ALL = Buffer.from([0]);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The member's log and keyspace at `revision`; throws if it does not get there within `timeoutMs`. */
export async function readMemberCopy(member: ClusterMember, revision: number, timeoutMs: number): Promise<MemberCopy> {
  const etcd = new EtcdClient({ endpoints: [member.clientUrl], callTimeoutMs: 5000 });
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      const r = await etcd.kv.range(ALL, { fromKey: true, serializable: true, countOnly: true }).catch(() => undefined);
      if (r && Number(r.header?.revision) >= revision) break;
      if (performance.now() > deadline) throw new Error(`${member.name} did not reach revision ${revision} within ${timeoutMs} ms`);
      await sleep(200);
    }
    const state = await etcd.kv.range(ALL, { fromKey: true, serializable: true, revision: String(revision) });
    const finalState = new Map<string, Observed>();
    for (const kv of state.kvs) finalState.set(kv.key.toString(), { value: kv.value.toString(), modRevision: Number(kv.mod_revision) });
    const events = [];
    const w = etcd.watch(ALL, { fromKey: true, startRevision: '1' });
    const timer = setTimeout(() => w.cancel(), Math.max(1000, deadline - performance.now()));
    try {
      for await (const batch of w) {
        for (const e of batch.events) events.push(toLogEvent(e));
        if (events.length > 0 && events[events.length - 1]!.revision >= revision) break;
      }
    } finally {
      clearTimeout(timer);
    }
    if ((events[events.length - 1]?.revision ?? 0) < revision) throw new Error(`${member.name}'s watch from revision 1 stopped before revision ${revision}`);
    return { name: member.name, events: events.filter((e) => e.revision <= revision), finalState, revision };
  } finally {
    etcd.close();
  }
}
