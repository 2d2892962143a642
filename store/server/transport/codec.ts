// The binary encoding of Raft messages between members, and the framing that carries them.
//
// Message (all integers are varints, see wire.ts):
//   type u8 | flags u8 | to | from | term | logTerm | index | commit | rejectHint
//   | entryCount | entryCount × (entryType u8 | term | index | dataLen | data)
//   | [flags.snapshot] snapIndex | snapTerm | voters | learners | votersOutgoing | learnersNext
//                      | autoLeave u8 | dataLen | data          (each id list: count | ids)
//   | [flags.context]  contextLen | context
// flags: bit0 reject, bit1 snapshot present, bit2 context present; other bits must be 0.
// Presence bits keep `undefined` and "present but empty" apart, so a message decodes to exactly
// what was encoded.
//
// Batch: count | count × message.
//
// Frame (what actually travels on an HTTP/2 stream, several per stream):
//   length u32 BE | crc32 u32 BE | kind u8 | body          (length = 1 + body length)
// kinds: 1 batch (message stream); 2 snapshot header (size | message without data),
// 3 snapshot chunk (raw data), 4 snapshot trailer (SHA-256 of the data) on the snapshot request.
// The CRC-32 covers kind and body. TCP and HTTP/2 already checksum, but weakly (16-bit) and only
// per hop; a member that applied a damaged entry would diverge silently, so every frame is checked
// end to end and a bad one is refused, never applied. A corrupt length either fails the size
// limit, or makes the CRC check fail, or leaves a truncated frame at the end of the stream.

import { crc32 } from 'node:zlib';
import type { ConfState, Entry, EntryType, Message, MessageType, NodeId } from '../../raft/types.js';
import { CodecError, Reader, Writer } from './wire.js';

/** Wire codes of message types. Fixed numbers, never derived from a list order: they are protocol. */
const TYPE_CODES: Readonly<Record<MessageType, number>> = {
  MsgHup: 1,
  MsgBeat: 2,
  MsgCheckQuorum: 3,
  MsgUnreachable: 4,
  MsgSnapStatus: 5,
  MsgProp: 6,
  MsgApp: 7,
  MsgAppResp: 8,
  MsgVote: 9,
  MsgVoteResp: 10,
  MsgPreVote: 11,
  MsgPreVoteResp: 12,
  MsgSnap: 13,
  MsgHeartbeat: 14,
  MsgHeartbeatResp: 15,
  MsgTransferLeader: 16,
  MsgTimeoutNow: 17,
  MsgReadIndex: 18,
  MsgReadIndexResp: 19,
};
const TYPES_BY_CODE = new Map<number, MessageType>(
  (Object.entries(TYPE_CODES) as [MessageType, number][]).map(([t, c]) => [c, t]),
);

const ENTRY_CODES: Readonly<Record<EntryType, number>> = { normal: 0, confChange: 1 };
const ENTRY_TYPES_BY_CODE = new Map<number, EntryType>([
  [0, 'normal'],
  [1, 'confChange'],
]);

const FLAG_REJECT = 1;
const FLAG_SNAPSHOT = 2;
const FLAG_CONTEXT = 4;
const KNOWN_FLAGS = FLAG_REJECT | FLAG_SNAPSHOT | FLAG_CONTEXT;

/** The smallest possible encoded message: type, flags, seven one-byte varints, entry count. */
const MIN_MESSAGE_BYTES = 10;
/** The smallest possible encoded entry: type, term, index, data length. */
const MIN_ENTRY_BYTES = 4;

// ---------------------------------------------------------------------------------------------
// Messages

function writeIds(w: Writer, ids: readonly NodeId[]): void {
  w.varint(ids.length);
  for (const id of ids) w.varint(id);
}

function readIds(r: Reader): NodeId[] {
  const n = r.count(1);
  const ids: NodeId[] = [];
  for (let i = 0; i < n; i++) ids.push(r.varint());
  return ids;
}

function writeConfState(w: Writer, cs: ConfState): void {
  writeIds(w, cs.voters);
  writeIds(w, cs.learners);
  writeIds(w, cs.votersOutgoing);
  writeIds(w, cs.learnersNext);
  w.u8(cs.autoLeave ? 1 : 0);
}

function readConfState(r: Reader): ConfState {
  const voters = readIds(r);
  const learners = readIds(r);
  const votersOutgoing = readIds(r);
  const learnersNext = readIds(r);
  const autoLeave = r.u8();
  if (autoLeave > 1) throw new CodecError('malformed', `bad autoLeave byte ${autoLeave}`);
  return { voters, learners, votersOutgoing, learnersNext, autoLeave: autoLeave === 1 };
}

/**
 * Appends one message. `omitSnapshotData` writes an empty snapshot data field: the snapshot
 * stream carries the data separately, in checksummed chunks.
 */
export function writeMessage(w: Writer, m: Message, omitSnapshotData = false): void {
  w.u8(TYPE_CODES[m.type]);
  let flags = 0;
  if (m.reject) flags |= FLAG_REJECT;
  if (m.snapshot) flags |= FLAG_SNAPSHOT;
  if (m.context) flags |= FLAG_CONTEXT;
  w.u8(flags);
  w.varint(m.to);
  w.varint(m.from);
  w.varint(m.term);
  w.varint(m.logTerm);
  w.varint(m.index);
  w.varint(m.commit);
  w.varint(m.rejectHint);
  w.varint(m.entries.length);
  for (const e of m.entries) {
    w.u8(ENTRY_CODES[e.type]);
    w.varint(e.term);
    w.varint(e.index);
    w.bytes(e.data);
  }
  if (m.snapshot) {
    w.varint(m.snapshot.metadata.index);
    w.varint(m.snapshot.metadata.term);
    writeConfState(w, m.snapshot.metadata.confState);
    w.bytes(omitSnapshotData ? new Uint8Array(0) : m.snapshot.data);
  }
  if (m.context) w.bytes(m.context);
}

export function readMessage(r: Reader): Message {
  const code = r.u8();
  const type = TYPES_BY_CODE.get(code);
  if (!type) throw new CodecError('malformed', `unknown message type code ${code}`);
  const flags = r.u8();
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new CodecError('malformed', `unknown message flags ${flags}`);
  const m: Message = {
    type,
    to: r.varint(),
    from: r.varint(),
    term: r.varint(),
    logTerm: r.varint(),
    index: r.varint(),
    commit: r.varint(),
    rejectHint: r.varint(),
    reject: (flags & FLAG_REJECT) !== 0,
    entries: [],
  };
  const n = r.count(MIN_ENTRY_BYTES);
  for (let i = 0; i < n; i++) {
    const ecode = r.u8();
    const etype = ENTRY_TYPES_BY_CODE.get(ecode);
    if (!etype) throw new CodecError('malformed', `unknown entry type code ${ecode}`);
    const e: Entry = { type: etype, term: r.varint(), index: r.varint(), data: r.bytes() };
    m.entries.push(e);
  }
  if (flags & FLAG_SNAPSHOT) {
    const index = r.varint();
    const term = r.varint();
    const confState = readConfState(r);
    m.snapshot = { metadata: { index, term, confState }, data: r.bytes() };
  }
  if (flags & FLAG_CONTEXT) m.context = r.bytes();
  return m;
}

export function encodeMessage(m: Message): Buffer {
  const w = new Writer();
  writeMessage(w, m);
  return w.finish();
}

export function decodeMessage(buf: Uint8Array): Message {
  const r = new Reader(buf);
  const m = readMessage(r);
  r.expectEnd('message');
  return m;
}

function writeBatch(w: Writer, msgs: readonly Message[]): void {
  w.varint(msgs.length);
  for (const m of msgs) writeMessage(w, m);
}

export function encodeBatch(msgs: readonly Message[]): Buffer {
  const w = new Writer();
  writeBatch(w, msgs);
  return w.finish();
}

export function decodeBatch(buf: Uint8Array): Message[] {
  const r = new Reader(buf);
  const n = r.count(MIN_MESSAGE_BYTES);
  const msgs: Message[] = [];
  for (let i = 0; i < n; i++) msgs.push(readMessage(r));
  r.expectEnd('batch');
  return msgs;
}

// ---------------------------------------------------------------------------------------------
// Frames

export const FrameKind = {
  /** A batch of messages (the long-lived message stream). */
  Batch: 1,
  /** The first frame of a snapshot stream: total size and the message without its data. */
  SnapshotHeader: 2,
  /** A piece of the snapshot data, in order. */
  SnapshotChunk: 3,
  /** The last frame of a snapshot stream: the SHA-256 of the whole data. */
  SnapshotTrailer: 4,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];
const KNOWN_KINDS = new Set<number>(Object.values(FrameKind));

export const FRAME_HEADER_BYTES = 8;
/** Default limit on one frame (kind + body): bounds what a corrupt length can make a receiver buffer. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** A frame around a body written by `fill` (written in place after a reserved header: one copy). */
export function encodeFrame(kind: FrameKind, fill: (w: Writer) => void, sizeHint = 256): Buffer {
  const w = new Writer(sizeHint + FRAME_HEADER_BYTES + 1, FRAME_HEADER_BYTES);
  w.u8(kind);
  fill(w);
  const frame = w.finish();
  const payload = frame.subarray(FRAME_HEADER_BYTES);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  return frame;
}

/** A frame around bytes already encoded (used for snapshot chunks: the data is not re-encoded). */
export function encodeRawFrame(kind: FrameKind, body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + 1 + body.length);
  frame[FRAME_HEADER_BYTES] = kind;
  frame.set(body, FRAME_HEADER_BYTES + 1);
  const payload = frame.subarray(FRAME_HEADER_BYTES);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  return frame;
}

export function encodeBatchFrame(msgs: readonly Message[]): Buffer {
  return encodeFrame(FrameKind.Batch, (w) => writeBatch(w, msgs));
}

/**
 * Batch frames for `msgs`, in order, each body at most about `maxBatchBytes` (a single message
 * larger than that gets a frame of its own). Large groups are split so that one huge frame does
 * not hold back the receiver (it decodes and delivers only whole frames).
 */
export function encodeBatchFrames(msgs: readonly Message[], maxBatchBytes: number): { frame: Buffer; count: number }[] {
  const encoded = msgs.map((m) => encodeMessage(m));
  const out: { frame: Buffer; count: number }[] = [];
  let start = 0;
  while (start < encoded.length) {
    let end = start + 1;
    let size = encoded[start]!.length;
    while (end < encoded.length && size + encoded[end]!.length <= maxBatchBytes) size += encoded[end++]!.length;
    const slice = encoded.slice(start, end);
    out.push({
      frame: encodeFrame(
        FrameKind.Batch,
        (w) => {
          w.varint(slice.length);
          for (const b of slice) w.raw(b);
        },
        size + 8,
      ),
      count: slice.length,
    });
    start = end;
  }
  return out;
}

export interface Frame {
  kind: FrameKind;
  /** A view into the received chunks: decode it before the next push, or copy it. */
  body: Buffer;
}

/**
 * Splits a byte stream into verified frames. Feed it chunks as they arrive (`push`), in any
 * sizes; call `end` when the stream ends to catch a frame cut short. After a CodecError the
 * stream is unusable: framing is lost, so the caller closes it.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length and CRC of the frame being assembled, once its header has arrived. */
  private header: { length: number; crc: number } | undefined;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes received that do not form a complete frame yet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Adds a chunk and yields the frames now complete, one at a time. A damaged frame throws when
   * the iteration reaches it, so the frames before it (each verified on its own) are handled
   * first, and nothing after it is.
   */
  push(chunk: Buffer): Generator<Frame> {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    return this.drain();
  }

  private *drain(): Generator<Frame> {
    for (;;) {
      if (!this.header) {
        if (this.buffered < FRAME_HEADER_BYTES) return;
        const h = this.take(FRAME_HEADER_BYTES);
        const length = h.readUInt32BE(0);
        if (length === 0) throw new CodecError('malformed', 'empty frame');
        if (length > this.maxFrameBytes) {
          throw new CodecError('oversize', `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`);
        }
        this.header = { length, crc: h.readUInt32BE(4) };
      }
      if (this.buffered < this.header.length) return;
      const payload = this.take(this.header.length);
      if (crc32(payload) !== this.header.crc) throw new CodecError('corrupt', 'frame checksum mismatch');
      const kind = payload[0]!;
      if (!KNOWN_KINDS.has(kind)) throw new CodecError('malformed', `unknown frame kind ${kind}`);
      this.header = undefined;
      yield { kind: kind as FrameKind, body: payload.subarray(1) };
    }
  }

  /** The stream ended: anything left over is a frame cut short. */
  end(): void {
    if (this.buffered > 0 || this.header) {
      throw new CodecError('truncated', `stream ended inside a frame (${this.buffered} bytes pending)`);
    }
  }

  /** The first `n` buffered bytes, concatenated only when they span several chunks. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - filled);
        c.copy(out, filled, 0, k);
        filled += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Snapshot stream: header, chunks, trailer
//
// The SHA-256 travels last, in a trailer: the sender hashes each chunk as it sends it instead of
// reading a (possibly gigabyte) snapshot once more up front, which would stall its event loop.

export const SHA256_BYTES = 32;

export interface SnapshotHeader {
  /** The MsgSnap message; its snapshot data is empty here and arrives in chunks. */
  message: Message;
  /** Total size of the snapshot data. */
  size: number;
}

export function encodeSnapshotHeaderFrame(m: Message, size: number): Buffer {
  return encodeFrame(FrameKind.SnapshotHeader, (w) => {
    w.varint(size);
    writeMessage(w, m, true);
  });
}

export function decodeSnapshotHeader(body: Uint8Array): SnapshotHeader {
  const r = new Reader(body);
  const size = r.varint();
  const message = readMessage(r);
  r.expectEnd('snapshot header');
  if (message.type !== 'MsgSnap' || !message.snapshot) {
    throw new CodecError('malformed', `snapshot header carries ${message.type}${message.snapshot ? '' : ' without a snapshot'}`);
  }
  if (message.snapshot.data.length !== 0) throw new CodecError('malformed', 'snapshot header carries inline data');
  return { message, size };
}

export function encodeSnapshotTrailerFrame(sha256: Uint8Array): Buffer {
  if (sha256.length !== SHA256_BYTES) throw new RangeError('sha256 must be 32 bytes');
  return encodeRawFrame(FrameKind.SnapshotTrailer, sha256);
}

/** The SHA-256 of the whole snapshot data. */
export function decodeSnapshotTrailer(body: Uint8Array): Uint8Array {
  if (body.length !== SHA256_BYTES) throw new CodecError('malformed', `snapshot trailer of ${body.length} bytes`);
  return body;
}
