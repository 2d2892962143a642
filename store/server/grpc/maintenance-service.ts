// etcdserverpb.Maintenance: status, hashes, snapshots, leadership moves, alarms, defragment.

import type * as grpc from '@grpc/grpc-js';
import type { MaintenanceHandlers } from '../proto/load.js';
import type * as P from '../proto/types.js';
import { CompactedRevisionError, FutureRevisionError } from '../../mvcc/kv.js';
import { encodeJson } from '../state/requests.js';
import { raftIdOf } from '../identity.js';
import { Errors } from '../state/errors.js';
import { id64, num } from './convert.js';
import { ETCD_VERSION, header, unary, type ServiceContext } from './context.js';
import { encodeSnapshotFile } from './snapshot-file.js';

const CHUNK = 32 * 1024;

export function maintenanceService(ctx: ServiceContext): Omit<MaintenanceHandlers, 'Downgrade'> {
  const m = ctx.member;
  return {
    Status: unary(ctx, async () => {
      const raft = m.node.raw.raft;
      const leader = m.leaderMember();
      return {
        header: header(ctx),
        version: ETCD_VERSION,
        // etcd: the db's size (kept after a compaction until a defragment) and the part in use.
        dbSize: String(m.kv.dbSize),
        dbSizeInUse: String(m.kv.size),
        leader: leader ? leader.id.toString() : '0',
        raftIndex: String(raft.raftLog.committed),
        raftTerm: String(raft.term),
        raftAppliedIndex: String(m.node.appliedIndex),
        errors: m.alarmList().map((a) => `memberID:${a.memberId} alarm:${a.alarm} `),
        isLearner: raft.isLearner,
      };
    }),
    HashKV: unary(ctx, async (req: P.HashKVRequest) => {
      try {
        const h = m.kv.hash(num(req.revision));
        return { header: header(ctx), hash: h.hash, compact_revision: String(h.compactRev) };
      } catch (e) {
        if (e instanceof CompactedRevisionError) throw Errors.compacted();
        if (e instanceof FutureRevisionError) throw Errors.futureRev();
        throw e;
      }
    }),
    Hash: unary(ctx, async () => ({ header: header(ctx), hash: m.kv.hash(0).hash })),
    // GET lists the raised alarms; ACTIVATE and DEACTIVATE go through the log (a zero member id
    // or NONE alarm widens a disarm to all). The reply lists the alarms raised, or those cleared.
    Alarm: unary(ctx, async (req: P.AlarmRequest) => {
      const wire = (list: { memberId: bigint; alarm: string }[]) => list.map((a) => ({ memberID: a.memberId.toString(), alarm: a.alarm as P.AlarmType }));
      if (req.action === 'GET') return { header: header(ctx), alarms: wire(m.alarmList()) };
      if (req.action === 'ACTIVATE') {
        if (req.alarm === 'NONE') return { header: header(ctx), alarms: [] };
        const memberId = id64(req.memberID) || m.memberId;
        await m.setAlarm('activate', memberId, req.alarm);
        return { header: header(ctx), alarms: wire([{ memberId, alarm: req.alarm }]) };
      }
      const memberId = id64(req.memberID);
      const cleared = m.alarmList().filter((a) => (memberId === 0n || a.memberId === memberId) && (req.alarm === 'NONE' || a.alarm === req.alarm));
      for (const a of cleared) await m.setAlarm('deactivate', a.memberId, a.alarm);
      return { header: header(ctx), alarms: wire(cleared) };
    }),
    // Local to this member, as etcd's is (etcdctl defrag asks each endpoint).
    Defragment: unary(ctx, async () => {
      m.defragment();
      return { header: header(ctx) };
    }),
    Snapshot: (call: grpc.ServerWritableStream<P.SnapshotRequest, P.Input<P.SnapshotResponse>>) => {
      // A consistent image: taken synchronously, between two applies.
      const file = encodeSnapshotFile(encodeJson({ kv: m.sm.dump(), members: m.membership.dump() }));
      const hdr = header(ctx);
      let offset = 0;
      const pump = () => {
        while (offset < file.length) {
          const blob = file.subarray(offset, offset + CHUNK);
          offset += blob.length;
          const more = call.write({ header: hdr, remaining_bytes: String(file.length - offset), blob });
          if (!more && offset < file.length) {
            call.once('drain', pump);
            return;
          }
        }
        call.end();
      };
      pump();
    },
    MoveLeader: unary(ctx, async (req: P.MoveLeaderRequest) => {
      if (!m.isLeader()) throw Errors.notLeader();
      const target = m.membership.get(id64(req.targetID));
      if (!target || target.isLearner) throw Errors.badLeaderTransferee();
      const raftId = raftIdOf(target.id);
      if (raftId === m.raftId) return { header: header(ctx) };
      m.node.transferLeadership(raftId);
      const deadline = Date.now() + 2 * m.config.electionMs + 1000;
      while (m.node.softState.lead !== raftId) {
        if (Date.now() > deadline) throw Errors.timeout();
        await new Promise((r) => setTimeout(r, 10));
      }
      return { header: header(ctx) };
    }),
  };
}
