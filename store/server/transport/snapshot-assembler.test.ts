import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { message, type Message } from '../../raft/types.js';
import {
  FrameDecoder,
  FrameKind,
  encodeBatchFrame,
  encodeRawFrame,
  encodeSnapshotHeaderFrame,
  encodeSnapshotTrailerFrame,
  type Frame,
} from './codec.js';
import { SnapshotAssembler } from './snapshot-assembler.js';
import { comparable } from './testing/harness.js';
import { CodecError } from './wire.js';

const data = randomBytes(10_000);
const sha = createHash('sha256').update(data).digest();
const snap: Message = message({
  type: 'MsgSnap',
  from: 1,
  to: 2,
  term: 3,
  snapshot: { metadata: { index: 99, term: 3, confState: { voters: [1, 2], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data },
});

/** The frames of a well-formed transfer, chunked at `chunk` bytes. */
function transfer(chunk = 3000, opts: { size?: number; sha?: Buffer; body?: Buffer } = {}): Buffer[] {
  const body = opts.body ?? data;
  const frames = [encodeSnapshotHeaderFrame(snap, opts.size ?? data.length)];
  for (let o = 0; o < body.length; o += chunk) frames.push(encodeRawFrame(FrameKind.SnapshotChunk, body.subarray(o, o + chunk)));
  frames.push(encodeSnapshotTrailerFrame(opts.sha ?? sha));
  return frames;
}

function assemble(frames: Buffer[], max = 1 << 20): Message {
  const a = new SnapshotAssembler(max);
  const d = new FrameDecoder();
  for (const f of frames) for (const frame of d.push(f)) a.push(frame as Frame);
  d.end();
  return a.finish();
}

describe('SnapshotAssembler', () => {
  it('reassembles the message with its data, whatever the chunk size', () => {
    for (const chunk of [1, 999, 3000, 10_000, 50_000]) {
      const m = assemble(transfer(chunk));
      expect(Buffer.from(m.snapshot!.data).equals(data)).toBe(true);
      expect(comparable(m)).toEqual(comparable(snap));
    }
  });

  it('accepts an empty snapshot', () => {
    const empty = createHash('sha256').update(Buffer.alloc(0)).digest();
    const m = assemble(transfer(100, { size: 0, sha: empty, body: Buffer.alloc(0) }));
    expect(m.snapshot!.data).toHaveLength(0);
  });

  const flipped = Buffer.from(data);
  flipped[1234]! ^= 1;
  const failures: [string, () => Buffer[], string][] = [
    ['no header at all', () => [], 'truncated'],
    ['a chunk before the header', () => transfer().slice(1), 'malformed'],
    ['no trailer', () => transfer().slice(0, -1), 'truncated'],
    ['fewer bytes than announced (trailer early)', () => [...transfer().slice(0, -2), transfer().at(-1)!], 'truncated'],
    ['fewer bytes than announced, no trailer', () => transfer().slice(0, -2), 'truncated'],
    ['more bytes than announced', () => transfer(3000, { size: data.length - 1 }), 'malformed'],
    ['data after the trailer', () => [...transfer(), encodeRawFrame(FrameKind.SnapshotChunk, Buffer.alloc(0))], 'malformed'],
    ['data that does not match the SHA-256', () => transfer(3000, { body: flipped }), 'corrupt'],
    ['a trailer with another SHA-256', () => transfer(3000, { sha: createHash('sha256').update('x').digest() }), 'corrupt'],
    ['a batch frame inside the snapshot', () => [...transfer().slice(0, 2), encodeBatchFrame([]), ...transfer().slice(2)], 'malformed'],
    ['a second header', () => [transfer()[0]!, ...transfer()], 'malformed'],
    ['a size above the limit', () => transfer(3000, { size: 2 << 20 }), 'oversize'],
  ];

  it.each(failures)('refuses %s', (_, frames, code) => {
    try {
      assemble(frames());
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CodecError);
      expect((e as CodecError).code).toBe(code);
    }
  });
});
