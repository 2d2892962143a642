// The receiving half of a snapshot transfer, without any I/O: frames in, one verified MsgSnap out.
//
// Nothing is delivered until the stream ended and everything checked out: the header came first,
// chunks followed it up to exactly the announced size, then the trailer, whose SHA-256 matches
// the data. A snapshot replaces a member's whole state, so a partial or damaged one must never
// reach Raft.

import { createHash, type Hash } from 'node:crypto';
import type { Message } from '../../raft/types.js';
import { FrameKind, decodeSnapshotHeader, decodeSnapshotTrailer, type Frame, type SnapshotHeader } from './codec.js';
import { CodecError } from './wire.js';

export class SnapshotAssembler {
  private header: SnapshotHeader | undefined;
  private data: Uint8Array | undefined;
  private received = 0;
  private sha256: Uint8Array | undefined;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {}

  /** Bytes of snapshot data received so far. */
  get receivedBytes(): number {
    return this.received;
  }

  /** The announced message, once the header arrived (for logging). */
  get announced(): SnapshotHeader | undefined {
    return this.header;
  }

  push(frame: Frame): void {
    if (!this.header) {
      if (frame.kind !== FrameKind.SnapshotHeader) throw new CodecError('malformed', 'snapshot stream must start with its header');
      const header = decodeSnapshotHeader(frame.body);
      if (header.size > this.maxBytes) {
        throw new CodecError('oversize', `snapshot of ${header.size} bytes exceeds the limit of ${this.maxBytes}`);
      }
      this.header = header;
      // Allocated once at the announced size (bounded above): chunks are copied straight in.
      this.data = new Uint8Array(header.size);
      return;
    }
    if (this.sha256) throw new CodecError('malformed', 'data after the snapshot trailer');
    const size = this.header.size;
    if (frame.kind === FrameKind.SnapshotTrailer) {
      if (this.received !== size) throw new CodecError('truncated', `snapshot trailer after ${this.received} of ${size} bytes`);
      // Copied: the frame body is a view into the receive buffers.
      this.sha256 = Uint8Array.from(decodeSnapshotTrailer(frame.body));
      return;
    }
    if (frame.kind !== FrameKind.SnapshotChunk) throw new CodecError('malformed', `unexpected frame kind ${frame.kind} in a snapshot stream`);
    if (this.received + frame.body.length > size) {
      throw new CodecError('malformed', `snapshot data exceeds the announced ${size} bytes`);
    }
    this.data!.set(frame.body, this.received);
    this.hash.update(frame.body);
    this.received += frame.body.length;
  }

  /** Call once the stream ended: the verified message with its data, or a CodecError. */
  finish(): Message {
    const header = this.header;
    if (!header) throw new CodecError('truncated', 'snapshot stream ended before its header');
    if (this.received !== header.size) {
      throw new CodecError('truncated', `snapshot stream ended after ${this.received} of ${header.size} bytes`);
    }
    if (!this.sha256) throw new CodecError('truncated', 'snapshot stream ended before its trailer');
    const digest = this.hash.digest();
    if (!digest.equals(this.sha256)) throw new CodecError('corrupt', 'snapshot SHA-256 mismatch');
    const m = header.message;
    return { ...m, snapshot: { metadata: m.snapshot!.metadata, data: this.data! } };
  }
}
