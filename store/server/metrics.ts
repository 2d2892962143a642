// Prometheus metrics of a member, named like etcd's where etcd has the same measure, so existing
// dashboards and alerts mostly work. Values are read at scrape time from the live objects.

import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Member } from './member.js';
import type { PeerTransport } from './transport/index.js';

export function createMetrics(member: Member, transport: PeerTransport): { registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('etcd_server_has_leader', 'Whether or not a leader exists. 1 is existence, 0 is not.', () => (member.node.softState.lead !== 0 ? 1 : 0));
  gauge('etcd_server_is_leader', 'Whether or not this member is a leader. 1 if is, 0 otherwise.', () => (member.isLeader() ? 1 : 0));
  gauge('etcd_server_proposals_committed_total', 'The total number of consensus proposals committed.', () => member.node.raw.raft.raftLog.committed);
  gauge('etcd_server_proposals_applied_total', 'The total number of consensus proposals applied.', () => member.node.appliedIndex);
  gauge('etcd_server_term', 'The current Raft term.', () => member.node.raw.raft.term);
  gauge('etcd_debugging_mvcc_current_revision', 'The current revision of store.', () => member.kv.revision);
  gauge('etcd_debugging_mvcc_compact_revision', 'The revision of the last compaction in store.', () => member.kv.compactRevision);
  gauge('etcd_mvcc_db_total_size_in_bytes', 'Total size of the underlying database physically allocated in bytes (an estimate: the high-water mark since the last defragment).', () => member.kv.dbSize);
  gauge('etcd_mvcc_db_total_size_in_use_in_bytes', 'Total size of the underlying database logically in use in bytes (an estimate: keys, values, overhead).', () => member.kv.size);
  gauge('etcd_server_quota_backend_bytes', 'Current backend storage quota size in bytes.', () => member.config.quotaBytes ?? 2 * 1024 * 1024 * 1024);
  gauge('etcd_debugging_mvcc_watcher_total', 'Total number of watchers.', () => member.hub.counts.synced + member.hub.counts.unsynced);
  gauge('etcd_debugging_mvcc_slow_watcher_total', 'Total number of unsynced slow watchers.', () => member.hub.counts.unsynced);
  gauge('etcd_debugging_lease_total', 'The number of leases.', () => member.lessor.list().length);
  // Per-peer transport counters, labelled with the peer's member id as etcd labels them.
  const perPeer = (name: string, help: string, label: 'To' | 'From', read: (p: ReturnType<PeerTransport['stats']>['peers'][number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        this.reset();
        for (const p of transport.stats().peers) {
          const id = member.membership.byRaft(p.id)?.id.toString(16) ?? String(p.id);
          this.set({ [label]: id }, read(p));
        }
      },
    });
  perPeer('etcd_network_peer_sent_bytes_total', 'The total number of bytes sent to peers.', 'To', (p) => p.bytesSent);
  perPeer('etcd_network_peer_received_bytes_total', 'The total number of bytes received from peers.', 'From', (p) => p.bytesReceived);
  perPeer('etcd_network_peer_sent_failures_total', 'The total number of send failures to peers.', 'To', (p) => p.sendFailures);
  perPeer('etcd_network_snapshot_send_success', 'Total number of successful snapshot sends', 'To', (p) => p.snapshotsSent);
  perPeer('etcd_network_snapshot_receive_success', 'Total number of successful snapshot receives', 'From', (p) => p.snapshotsReceived);
  // etcd's active-peers gauge: 1 while the stream to a peer is up, 0 once it went down. It is
  // also what the strict reconfiguration checks look at, so tests wait on it after killing a peer.
  new Gauge({
    name: 'etcd_network_active_peers',
    help: 'The current number of active peer connections.',
    labelNames: ['Local', 'Remote'],
    registers: [registry],
    collect() {
      this.reset();
      const local = member.memberId.toString(16);
      for (const p of transport.stats().peers) {
        const remote = member.membership.byRaft(p.id)?.id.toString(16) ?? String(p.id);
        this.set({ Local: local, Remote: remote }, p.active ? 1 : 0);
      }
    },
  });
  return { registry };
}
