// Leases: no key outlives its lease by more than TTL + election timeout.
//
// A lease's clock runs on the leader only. Whenever leadership may have moved, or the leader
// could not commit the revocation (a partition, a frozen or killed member), the expiry is owed
// again from when the cluster recovered: a new leader restarts every lease's full TTL (etcd's
// Promote), and it needs up to an election timeout to be elected. So the deadline of a key is
//   max(lease granted or last renewed, end of the last disruption) + TTL + election timeout
// plus `slackMs` for the leader's expiry scan, the revocation's commit and a loaded machine.
// A read that saw the key although it was invoked after that deadline is an anomaly; a read
// during a disruption proves nothing.
// A lease revoked by an acknowledged revoke takes its keys with it at once: a linearizable read
// invoked after the revoke returned must not see them.

import type { Anomaly } from './history.js';

export interface LeaseRecord {
  id: string;
  ttlMs: number;
  /** When the grant returned (the lease cannot have started later). */
  grantedAt: number;
  /** No renewal can have reached the store after this (undefined: never renewed). */
  renewedUntil?: number;
  /** When an acknowledged revoke returned, if one did. */
  revokedAt?: number;
  keys: string[];
}

/** A linearizable read of a lease's key that found it present. */
export interface LeaseKeySeen {
  key: string;
  lease: string;
  call: number;
  ret: number;
}

export interface Disruption {
  start: number;
  /** When it was healed; Infinity if never. */
  end: number;
}

export interface LeaseCheckOptions {
  electionTimeoutMs: number;
  slackMs: number;
}

export function checkLeases(leases: readonly LeaseRecord[], seen: readonly LeaseKeySeen[], disruptions: readonly Disruption[], o: LeaseCheckOptions): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const byId = new Map(leases.map((l) => [l.id, l]));
  for (const s of seen) {
    const l = byId.get(s.lease);
    if (!l) continue;
    if (l.revokedAt !== undefined && s.call > l.revokedAt) {
      anomalies.push({ checker: 'lease', message: `key ${s.key} was read at ${s.call.toFixed(0)} ms, after lease ${l.id} was revoked at ${l.revokedAt.toFixed(0)} ms` });
      continue;
    }
    if (disruptions.some((d) => d.start <= s.call && s.call <= d.end)) continue;
    let base = Math.max(l.grantedAt, l.renewedUntil ?? 0);
    for (const d of disruptions) if (d.end < s.call && d.end > base) base = d.end;
    const deadline = base + l.ttlMs + o.electionTimeoutMs + o.slackMs;
    if (s.call > deadline) {
      anomalies.push({
        checker: 'lease',
        message: `key ${s.key} of lease ${l.id} (TTL ${l.ttlMs} ms, counted from ${base.toFixed(0)} ms) was still there at ${s.call.toFixed(0)} ms, ${(s.call - deadline).toFixed(0)} ms past its deadline`,
      });
    }
  }
  return anomalies;
}
