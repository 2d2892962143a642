import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { message, type Message } from '../../raft/types.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  FrameKind,
  decodeBatch,
  decodeMessage,
  decodeSnapshotHeader,
  decodeSnapshotTrailer,
  encodeBatch,
  encodeBatchFrame,
  encodeBatchFrames,
  encodeMessage,
  encodeRawFrame,
  encodeSnapshotHeaderFrame,
  encodeSnapshotTrailerFrame,
} from './codec.js';
import { CodecError, Reader, Writer } from './wire.js';

const bytes = (...v: number[]): Uint8Array => new Uint8Array(v);
const MAX = Number.MAX_SAFE_INTEGER;

const snapshotMsg: Message = message({
  type: 'MsgSnap',
  from: 1,
  to: 2,
  term: 9,
  snapshot: {
    metadata: {
      index: 1_000_000,
      term: 8,
      confState: { voters: [1, 2, 3], learners: [4], votersOutgoing: [1, 2, 5], learnersNext: [5], autoLeave: true },
    },
    data: bytes(1, 2, 3, 4, 5),
  },
});

const cases: [string, Message][] = [
  ['zero heartbeat', message({ type: 'MsgHeartbeat' })],
  ['heartbeat with commit and context', message({ type: 'MsgHeartbeat', from: 1, to: 2, term: 5, commit: 77, context: bytes(9, 9) })],
  ['empty but present context', message({ type: 'MsgReadIndex', from: 3, to: 1, context: new Uint8Array(0) })],
  [
    'append with entries of both types, one empty',
    message({
      type: 'MsgApp',
      from: 1,
      to: 3,
      term: 4,
      logTerm: 3,
      index: 41,
      commit: 40,
      entries: [
        { term: 4, index: 42, type: 'normal', data: new TextEncoder().encode('put /a 1') },
        { term: 4, index: 43, type: 'confChange', data: bytes(123, 125) },
        { term: 4, index: 44, type: 'normal', data: new Uint8Array(0) },
      ],
    }),
  ],
  ['rejected append response with hint', message({ type: 'MsgAppResp', from: 2, to: 1, term: 4, index: 50, reject: true, rejectHint: 45, logTerm: 3 })],
  ['vote at the limits of safe integers', message({ type: 'MsgVote', from: MAX, to: MAX - 1, term: MAX, logTerm: 2 ** 40, index: 2 ** 53 - 2 })],
  ['snapshot message with metadata, data and context', { ...snapshotMsg, context: bytes(1) }],
  ['snapshot with empty conf state and data', message({ type: 'MsgSnap', from: 1, to: 2, snapshot: { metadata: { index: 1, term: 1, confState: { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data: new Uint8Array(0) } })],
  ['transfer leader', message({ type: 'MsgTimeoutNow', from: 2, to: 3, term: 7 })],
  ['local type (encodable, refused by the receiver, not the codec)', message({ type: 'MsgSnapStatus', from: 2, reject: true })],
];

describe('message codec', () => {
  it.each(cases)('round-trips: %s', (_, m) => {
    const decoded = decodeMessage(encodeMessage(m));
    expect(decoded).toEqual(m);
    // Presence is exact: undefined stays undefined, empty stays empty.
    expect('context' in decoded).toBe(m.context !== undefined);
    expect('snapshot' in decoded).toBe(m.snapshot !== undefined);
  });

  it('round-trips every message type', () => {
    const types = [
      'MsgHup', 'MsgBeat', 'MsgCheckQuorum', 'MsgUnreachable', 'MsgSnapStatus', 'MsgProp', 'MsgApp', 'MsgAppResp', 'MsgVote',
      'MsgVoteResp', 'MsgPreVote', 'MsgPreVoteResp', 'MsgSnap', 'MsgHeartbeat', 'MsgHeartbeatResp', 'MsgTransferLeader',
      'MsgTimeoutNow', 'MsgReadIndex', 'MsgReadIndexResp',
    ] as const;
    for (const type of types) expect(decodeMessage(encodeMessage(message({ type, from: 1, to: 2 }))).type).toBe(type);
  });

  it('is compact: a heartbeat takes 11 bytes (type, flags, 8 varints, commit=300 in two)', () => {
    expect(encodeMessage(message({ type: 'MsgHeartbeat', from: 1, to: 2, term: 5, commit: 300 })).length).toBe(11);
  });

  it('decodes into plain Uint8Arrays that do not share the input buffer', () => {
    const m = message({ type: 'MsgApp', entries: [{ term: 1, index: 1, type: 'normal', data: bytes(7, 7, 7) }] });
    const buf = encodeMessage(m);
    const decoded = decodeMessage(buf);
    buf.fill(0);
    expect(decoded.entries[0]!.data).toEqual(bytes(7, 7, 7));
    expect(Buffer.isBuffer(decoded.entries[0]!.data)).toBe(false);
  });

  it('round-trips batches, including the empty batch', () => {
    const msgs = cases.map(([, m]) => m);
    expect(decodeBatch(encodeBatch(msgs))).toEqual(msgs);
    expect(decodeBatch(encodeBatch([]))).toEqual([]);
  });

  const full = encodeMessage(cases[3]![1]);
  const rejects: [string, Uint8Array, string][] = [
    ['empty input', new Uint8Array(0), 'truncated'],
    ['unknown type code', bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 'malformed'],
    ['type code past the table', bytes(20, 0, 0, 0, 0, 0, 0, 0, 0, 0), 'malformed'],
    ['unknown flag bits', bytes(14, 8, 0, 0, 0, 0, 0, 0, 0, 0), 'malformed'],
    ['snapshot flag without snapshot bytes', bytes(14, 2, 0, 0, 0, 0, 0, 0, 0, 0), 'truncated'],
    ['unknown entry type', bytes(7, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9, 1, 1, 0), 'malformed'],
    ['entry count larger than the rest', bytes(7, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 1, 1, 0), 'truncated'],
    ['non-canonical varint', bytes(14, 0, 0x81, 0x00, 0, 0, 0, 0, 0, 0, 0), 'malformed'],
    ['varint beyond 2^53', bytes(14, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0), 'malformed'],
    ['trailing byte', Buffer.concat([full, bytes(0)]), 'malformed'],
    ['autoLeave byte not 0/1', Uint8Array.from(withAutoLeave(7)), 'malformed'],
  ];
  for (let cut = 1; cut < full.length; cut += 3) rejects.push([`cut at ${cut} of ${full.length}`, full.subarray(0, cut), 'truncated']);

  it.each(rejects)('rejects %s', (_, buf, code) => {
    expect(() => decodeMessage(buf)).toThrow(CodecError);
    try {
      decodeMessage(buf);
    } catch (e) {
      expect((e as CodecError).code).toBe(code);
    }
  });
});

/** The snapshot message with its autoLeave byte replaced (it sits just before the data length). */
function withAutoLeave(v: number): Buffer {
  const m = message({ ...snapshotMsg, snapshot: { ...snapshotMsg.snapshot!, data: new Uint8Array(0) } });
  const buf = Buffer.from(encodeMessage(m));
  expect(buf[buf.length - 2]).toBe(1); // autoLeave true, then data length 0
  buf[buf.length - 2] = v;
  return buf;
}

describe('varints', () => {
  it.each([0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 2 ** 49, MAX])('round-trips %d', (v) => {
    const w = new Writer();
    w.varint(v);
    const r = new Reader(w.finish());
    expect(r.varint()).toBe(v);
    expect(r.remaining).toBe(0);
  });

  it.each([-1, 1.5, MAX + 1, Number.NaN])('refuses to encode %d', (v) => {
    expect(() => new Writer().varint(v)).toThrow(RangeError);
  });
});

describe('frames', () => {
  const batchA = [cases[1]![1], cases[3]![1]];
  const batchB = [cases[4]![1]];
  const stream = Buffer.concat([encodeBatchFrame(batchA), encodeBatchFrame(batchB), encodeBatchFrame([])]);

  const decodeAll = (chunks: Buffer[]): Message[][] => {
    const d = new FrameDecoder();
    const out: Message[][] = [];
    for (const c of chunks) for (const f of d.push(c)) out.push(decodeBatch(f.body));
    d.end();
    return out;
  };

  it('decodes several frames from one chunk', () => {
    expect(decodeAll([stream])).toEqual([batchA, batchB, []]);
  });

  it('decodes frames split at every possible point, and byte by byte', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(decodeAll([stream.subarray(0, cut), stream.subarray(cut)])).toEqual([batchA, batchB, []]);
    }
    const single = [...stream].map((b) => Buffer.from([b]));
    expect(decodeAll(single)).toEqual([batchA, batchB, []]);
  });

  it('yields the good frames before a damaged one, then throws', () => {
    const bad = Buffer.from(encodeBatchFrame(batchB));
    bad[bad.length - 1]! ^= 1;
    const it = new FrameDecoder().push(Buffer.concat([encodeBatchFrame(batchA), bad, encodeBatchFrame([])]));
    expect(decodeBatch(it.next().value!.body)).toEqual(batchA);
    expect(() => it.next()).toThrow(/checksum/);
  });

  it('reports a stream cut inside a frame as truncated at end()', () => {
    for (const cut of [1, FRAME_HEADER_BYTES - 1, FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + 3, stream.length - 1]) {
      const d = new FrameDecoder();
      [...d.push(stream.subarray(0, cut))];
      expect(() => d.end()).toThrow(/truncated/);
    }
  });

  it('detects a flipped bit anywhere in a frame', () => {
    const frame = encodeBatchFrame(batchA);
    for (let i = 0; i < frame.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = Buffer.from(frame);
        bad[i]! ^= bit;
        const d = new FrameDecoder();
        // Either the frame is refused at once, or (length grew) it never completes: never delivered.
        let frames: unknown[] = [];
        expect(() => {
          frames = [...d.push(bad)];
          d.end();
        }, `byte ${i} bit ${bit}`).toThrow(CodecError);
        expect(frames).toEqual([]);
      }
    }
  });

  const bad: [string, () => Buffer, string][] = [
    ['zero length', () => Buffer.alloc(FRAME_HEADER_BYTES), 'malformed'],
    ['length over the limit', () => header(DEFAULT_MAX_FRAME_BYTES + 1, 0), 'oversize'],
    ['checksum mismatch', () => {
      const f = Buffer.from(encodeBatchFrame(batchB));
      f.writeUInt32BE((f.readUInt32BE(4) + 1) >>> 0, 4);
      return f;
    }, 'corrupt'],
    ['unknown kind with a valid checksum', () => encodeRawFrame(9 as FrameKind, bytes(1, 2)), 'malformed'],
  ];

  it.each(bad)('rejects %s', (_, make, code) => {
    try {
      [...new FrameDecoder().push(make())];
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CodecError);
      expect((e as CodecError).code).toBe(code);
    }
  });

  it('honours a custom frame limit', () => {
    const frame = encodeRawFrame(FrameKind.SnapshotChunk, new Uint8Array(100));
    expect(() => [...new FrameDecoder(100).push(frame)]).toThrow(/exceeds/);
    expect([...new FrameDecoder(101).push(frame)]).toHaveLength(1);
  });

  it('splits large groups into frames near the batch size, in order', () => {
    const msgs = Array.from({ length: 50 }, (_, i) =>
      message({ type: 'MsgApp', from: 1, to: 2, index: i, entries: [{ term: 1, index: i + 1, type: 'normal', data: new Uint8Array(1000) }] }),
    );
    const frames = encodeBatchFrames(msgs, 4096);
    expect(frames.length).toBeGreaterThan(10);
    const d = new FrameDecoder();
    const out = frames.flatMap(({ frame, count }) => {
      const [f] = d.push(frame);
      const got = decodeBatch(f!.body);
      expect(got).toHaveLength(count);
      expect(frame.length).toBeLessThanOrEqual(4096 + 32);
      return got;
    });
    expect(out).toEqual(msgs);
    // A message larger than the target still goes, alone.
    const big = message({ type: 'MsgApp', entries: [{ term: 1, index: 1, type: 'normal', data: new Uint8Array(10_000) }] });
    expect(encodeBatchFrames([msgs[0]!, big, msgs[1]!], 4096).map((f) => f.count)).toEqual([1, 1, 1]);
  });
});

function header(length: number, crc: number): Buffer {
  const h = Buffer.alloc(FRAME_HEADER_BYTES);
  h.writeUInt32BE(length, 0);
  h.writeUInt32BE(crc, 4);
  return h;
}

describe('snapshot header and trailer', () => {
  const sha = createHash('sha256').update(snapshotMsg.snapshot!.data).digest();

  it('round-trip; the header carries the message without its data', () => {
    const frames = [...new FrameDecoder().push(Buffer.concat([encodeSnapshotHeaderFrame(snapshotMsg, 5), encodeSnapshotTrailerFrame(sha)]))];
    expect(frames.map((f) => f.kind)).toEqual([FrameKind.SnapshotHeader, FrameKind.SnapshotTrailer]);
    const h = decodeSnapshotHeader(frames[0]!.body);
    expect(h.size).toBe(5);
    expect(h.message).toEqual({ ...snapshotMsg, snapshot: { ...snapshotMsg.snapshot!, data: new Uint8Array(0) } });
    expect(Buffer.from(decodeSnapshotTrailer(frames[1]!.body)).equals(sha)).toBe(true);
  });

  it('refuse a header that is not a MsgSnap, and a trailer of the wrong size', () => {
    const [f] = new FrameDecoder().push(encodeSnapshotHeaderFrame(message({ type: 'MsgApp', from: 1, to: 2 }), 0));
    expect(() => decodeSnapshotHeader(f!.body)).toThrow(/MsgApp/);
    const [t] = new FrameDecoder().push(encodeRawFrame(FrameKind.SnapshotTrailer, sha.subarray(1)));
    expect(() => decodeSnapshotTrailer(t!.body)).toThrow(/trailer of 31 bytes/);
  });
});
