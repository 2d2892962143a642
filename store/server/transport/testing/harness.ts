// Test fixtures for the transport: fast timings, transports that record what they deliver and
// report, a polling waitFor, a log capture, and free ports on 127.0.0.1.

import * as net from 'node:net';
import { message, type Message, type MessageType, type NodeId } from '../../../raft/types.js';
import type { SnapshotStatus } from '../../../raft/rawnode.js';
import { PeerTransport } from '../transport.js';
import type { PeerMembersInfo, TransportLogger, TransportTuning } from '../types.js';

/** Timings small enough that failure detection and reconnection take tens of milliseconds. */
export const FAST_TUNING: Partial<TransportTuning> = {
  backoffInitialMs: 20,
  backoffMaxMs: 200,
  dialTimeoutMs: 500,
  pingIntervalMs: 100,
  pingTimeoutMs: 300,
  unreachableIntervalMs: 50,
  snapshotIdleTimeoutMs: 1_000,
  closeGraceMs: 200,
};

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A logger that keeps every record (printed too when TRANSPORT_LOG=1). */
export function captureLogger(name: string): TransportLogger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const print = process.env['TRANSPORT_LOG'] === '1';
  const at =
    (level: LogRecord['level']) =>
    (obj: object, msg: string): void => {
      records.push({ level, obj, msg });
      if (print) console.log(`[${name}] ${level} ${msg} ${JSON.stringify(obj)}`);
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A transport plus everything it handed to its host. */
export interface Member {
  id: NodeId;
  t: PeerTransport;
  received: Message[];
  unreachable: NodeId[];
  snapshotStatus: [NodeId, SnapshotStatus][];
  /** Peers that answered 410 Gone (this member was removed). */
  removedBy: NodeId[];
  log: ReturnType<typeof captureLogger>;
}

export interface MemberOptions {
  clusterId?: string;
  listenUrl?: string;
  tuning?: Partial<TransportTuning>;
  membersInfo?: () => PeerMembersInfo;
}

/** Creates members and stops them all at the end of the test. */
export class Harness {
  private readonly members: Member[] = [];

  create(id: NodeId, opts: MemberOptions = {}): Member {
    const received: Message[] = [];
    const unreachable: NodeId[] = [];
    const snapshotStatus: [NodeId, SnapshotStatus][] = [];
    const removedBy: NodeId[] = [];
    const log = captureLogger(`m${id}`);
    const t = new PeerTransport({
      localId: id,
      clusterId: opts.clusterId ?? '18446744073709551557',
      listenUrl: opts.listenUrl ?? 'http://127.0.0.1:0',
      logger: log,
      onMessages: (msgs) => received.push(...msgs),
      onUnreachable: (peer) => unreachable.push(peer),
      onSnapshotStatus: (peer, status) => snapshotStatus.push([peer, status]),
      onRemoved: (peer) => removedBy.push(peer),
      ...(opts.membersInfo ? { membersInfo: opts.membersInfo } : {}),
      tuning: { ...FAST_TUNING, ...opts.tuning },
    });
    const m = { id, t, received, unreachable, snapshotStatus, removedBy, log };
    this.members.push(m);
    return m;
  }

  /** Creates and starts members with ids 1..n, each knowing all others. */
  async cluster(n: number, opts: MemberOptions = {}): Promise<Member[]> {
    const ms: Member[] = [];
    for (let id = 1; id <= n; id++) {
      const m = this.create(id, opts);
      await m.t.start();
      ms.push(m);
    }
    for (const a of ms) for (const b of ms) if (a !== b) a.t.addPeer(b.id, [b.t.url]);
    return ms;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((m) => m.t.stop()));
    this.members.length = 0;
  }
}

/** Polls until `cond` holds; fails with `what` after timeoutMs. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port that was free a moment ago (the OS picks it; closed again before returning). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** A numbered message: `seq` rides in `index` so receivers can check order and gaps. */
export function seqMessage(from: NodeId, to: NodeId, seq: number, type: MessageType = 'MsgApp'): Message {
  return message({
    type,
    from,
    to,
    term: 3,
    index: seq,
    logTerm: 2,
    commit: seq,
    entries: type === 'MsgApp' ? [{ term: 3, index: seq + 1, type: 'normal', data: new TextEncoder().encode(`entry-${seq}`) }] : [],
  });
}

/** The `index` of every message in `msgs` from `from`, in delivery order. */
export function seqsFrom(msgs: readonly Message[], from: NodeId): number[] {
  return msgs.filter((m) => m.from === from).map((m) => m.index);
}

/**
 * The message with every byte field as hex, for toEqual: the matcher compares typed arrays
 * element by element, which takes tens of seconds on a 5 MiB snapshot; strings compare at once.
 */
export function comparable(m: Message): unknown {
  const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  return {
    ...m,
    entries: m.entries.map((e) => ({ ...e, data: hex(e.data) })),
    ...(m.snapshot ? { snapshot: { metadata: m.snapshot.metadata, data: hex(m.snapshot.data) } } : {}),
    ...(m.context ? { context: hex(m.context) } : {}),
  };
}
