// Sends one MsgSnap on its own request: a header frame (the message without its data, and the
// data's size), the data in chunk frames, a trailer frame with the SHA-256 of the data (hashed
// chunk by chunk on the way), then the end of the request. The receiver answers 200 only after it
// verified every frame's CRC, the total size and the SHA-256, and handed the message to its host;
// any other outcome is a failure.
//
// Why a request (and a connection) of its own: a snapshot can be hundreds of megabytes. On the
// message stream it would sit in front of heartbeats for the whole transfer and followers would
// start elections; on a separate connection it competes only for bandwidth.
//
// Flow control: a chunk is written only when the previous ones drained, so memory stays at about
// one chunk whatever the snapshot size. A transfer with no progress for snapshotIdleTimeoutMs
// fails (a blackholed path never errors by itself).

import { createHash } from 'node:crypto';
import * as http2 from 'node:http2';
import type { Message } from '../../raft/types.js';
import { FrameKind, encodeRawFrame, encodeSnapshotHeaderFrame, encodeSnapshotTrailerFrame } from './codec.js';
import { HEADER_ERROR, SNAPSHOT_PATH, peerOrigin } from './headers.js';
import { sessionOptions, widenSessionWindow } from './session-options.js';

export interface SnapshotSendOptions {
  url: string;
  headers: Record<string, string>;
  message: Message;
  chunkBytes: number;
  idleTimeoutMs: number;
}

export interface SnapshotTransfer {
  /** Resolves with the bytes written once the receiver confirmed; rejects on any failure. */
  done: Promise<number>;
  /** Abandons the transfer (the promise rejects). */
  abort(reason: string): void;
}

export function sendSnapshot(opts: SnapshotSendOptions): SnapshotTransfer {
  let abort: (reason: string) => void = () => {};
  const done = new Promise<number>((resolve, reject) => {
    const snapshot = opts.message.snapshot;
    if (opts.message.type !== 'MsgSnap' || !snapshot) {
      reject(new Error(`not a snapshot message: ${opts.message.type}`));
      return;
    }
    const data = snapshot.data;
    const hash = createHash('sha256');
    let written = 0;
    let settled = false;

    const session = http2.connect(peerOrigin(opts.url), sessionOptions);
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      if (err) {
        session.destroy();
        reject(err);
      } else {
        session.close();
        resolve(written);
      }
    };
    abort = (reason) => settle(new Error(`snapshot transfer aborted: ${reason}`));

    let idleTimer: NodeJS.Timeout;
    const touch = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => settle(new Error(`snapshot transfer made no progress for ${opts.idleTimeoutMs} ms`)),
        opts.idleTimeoutMs,
      );
      idleTimer.unref();
    };
    touch();

    session.on('connect', () => widenSessionWindow(session));
    session.on('error', (err) => settle(new Error(`session error: ${err.message}`)));
    session.on('close', () => settle(new Error('connection closed before the receiver confirmed')));

    const stream = session.request({ ':method': 'POST', ':path': SNAPSHOT_PATH, ...opts.headers }, { endStream: false });
    stream.on('response', (headers) => {
      const status = headers[':status'];
      if (status === 200) settle();
      else settle(new Error(`receiver refused the snapshot: ${status} ${String(headers[HEADER_ERROR] ?? '')}`.trim()));
    });
    stream.on('error', (err) => settle(new Error(`stream error: ${err.message}`)));
    stream.on('close', () => settle(new Error('stream closed before the receiver confirmed')));
    stream.resume();

    const write = (frame: Buffer): boolean => {
      written += frame.length;
      return stream.write(frame);
    };

    let offset = 0;
    const pump = (): void => {
      if (settled) return;
      touch();
      while (offset < data.length) {
        const end = Math.min(offset + opts.chunkBytes, data.length);
        const chunk = data.subarray(offset, end);
        hash.update(chunk);
        const more = write(encodeRawFrame(FrameKind.SnapshotChunk, chunk));
        offset = end;
        if (!more) {
          stream.once('drain', pump);
          return;
        }
      }
      write(encodeSnapshotTrailerFrame(hash.digest()));
      stream.end();
    };
    if (write(encodeSnapshotHeaderFrame(opts.message, data.length))) pump();
    else stream.once('drain', pump);
  });
  return { done, abort: (reason) => abort(reason) };
}
