// The state machine image a Raft snapshot carries, and how a member encodes one without stalling.
//
// The image is the whole keyspace with its uncompacted history, the leases, the member table and
// the alarms. Encoding it in one go blocked the member for as long as it took (about 150 ms for
// 100,000 changes, proportionally more for more), and every request in flight waited: with a
// snapshot every 100,000 entries, that one pause was the write benchmark's p99. So the state is
// frozen at the snapshot's index (the keyspace as a copy-on-write clone, nothing copied up
// front) and encoded a few milliseconds at a time, giving the event loop back between slices,
// while the member goes on applying entries.

import { performance } from 'node:perf_hooks';
import type { LeaseDump } from '../lease/lessor.js';
import type { FrozenKeyspace, StoredChange } from '../mvcc/store.js';
import type { Membership } from './membership.js';
import { BinaryStreamWriter } from './state/binary.js';
import type { AlarmType } from './state/requests.js';
import type { StateMachine } from './state/state-machine.js';

/** The state machine image carried by Raft snapshots (also built by an offline restore). */
export interface SnapshotImage {
  kv: ReturnType<StateMachine['dump']>;
  members: ReturnType<Membership['dump']>;
  alarms?: { memberId: string; alarm: AlarmType }[];
}

/** A snapshot image frozen at one applied index, not yet encoded. */
export interface FrozenImage {
  kv: FrozenKeyspace;
  leases: LeaseDump[];
  members: SnapshotImage['members'];
  alarms: NonNullable<SnapshotImage['alarms']>;
}

export class SnapshotAbortedError extends Error {
  constructor() {
    super('snapshot encoding aborted: the member is stopping');
    this.name = 'SnapshotAbortedError';
  }
}

export interface EncodeOptions {
  /** Expected encoded size in bytes (avoids regrowing the buffer). */
  sizeHint: number;
  /** The longest stretch of encoding between two yields to the event loop. */
  sliceMs?: number;
  /** Checked between slices: true stops the encoding with SnapshotAbortedError. */
  aborted?: () => boolean;
  /** How to give the event loop back between slices (default: rest as long as the slice took). */
  pause?: () => Promise<void>;
}

const DEFAULT_SLICE_MS = 4;
/** Changes encoded between two looks at the clock. */
const CLOCK_EVERY = 64;

/**
 * Between two slices the encoding rests as long as a slice lasted, so it takes at most half of
 * the member's time: on a machine whose cores are all busy serving requests, a snapshot encoded
 * flat out (on every member at once: they all reach the count at the same index) made every
 * process wait for a core, and the write latency's tail doubled while it ran.
 */
const rest = (ms: number) => (): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Encode a frozen image in slices. The result decodes (decodeStored) to a SnapshotImage equal to
 * what encoding the same state in one go gives.
 */
export async function encodeImage(image: FrozenImage, opts: EncodeOptions): Promise<Buffer> {
  const sliceMs = opts.sliceMs ?? DEFAULT_SLICE_MS;
  const pause = opts.pause ?? rest(sliceMs);
  const w = new BinaryStreamWriter(opts.sizeHint);
  w.beginObject(3);
  w.property('members', image.members);
  w.property('alarms', image.alarms);
  w.field('kv');
  w.beginObject(4);
  w.property('currentRev', image.kv.currentRev);
  w.property('compactRev', image.kv.compactRev);
  w.property('leases', image.leases);
  w.field('changes');
  const changes = w.beginArray();
  let count = 0;
  let sliceStart = performance.now();
  for (const c of image.kv.changes()) {
    writeChange(w, c);
    count++;
    if (count % CLOCK_EVERY === 0 && performance.now() - sliceStart >= sliceMs) {
      await pause();
      if (opts.aborted?.()) throw new SnapshotAbortedError();
      sliceStart = performance.now();
    }
  }
  w.endArray(changes, count);
  return w.finish();
}

/** One stored change, field by field: what BinaryStreamWriter.value(c) writes, at a fraction of the cost. */
function writeChange(w: BinaryStreamWriter, c: StoredChange): void {
  w.beginObject(3);
  w.field('sub');
  w.number(c.sub);
  w.field('kv');
  w.beginObject(6);
  w.field('key');
  w.bytes(c.kv.key);
  w.field('createRevision');
  w.number(c.kv.createRevision);
  w.field('modRevision');
  w.number(c.kv.modRevision);
  w.field('version');
  w.number(c.kv.version);
  w.field('value');
  w.bytes(c.kv.value);
  w.field('lease');
  w.bigint(c.kv.lease);
  w.field('tombstone');
  w.boolean(c.tombstone);
}
