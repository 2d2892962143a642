// HTTP/2 settings shared by both ends of every peer connection.
//
// HTTP/2's default flow-control window is 64 KiB per stream and per connection, which caps a
// single stream at one window per round trip: far too little for a leader streaming appends or a
// multi-megabyte snapshot. Larger windows let a stream run at link speed; the transport's own
// bounds (maxPendingBytes, frame and snapshot limits) keep memory in check instead.

import type { Http2Session } from 'node:http2';

export const STREAM_WINDOW_BYTES = 1024 * 1024;
export const SESSION_WINDOW_BYTES = 8 * 1024 * 1024;
/** nghttp2's per-session memory budget in MB; above it new streams are refused. */
const MAX_SESSION_MEMORY_MB = 64;

export const sessionOptions = {
  settings: { initialWindowSize: STREAM_WINDOW_BYTES, enablePush: false },
  maxSessionMemory: MAX_SESSION_MEMORY_MB,
} as const;

/** The connection-level window is not a SETTINGS value: it is raised once the session exists. */
export function widenSessionWindow(session: Http2Session): void {
  try {
    session.setLocalWindowSize(SESSION_WINDOW_BYTES);
  } catch {
    // The session closed in the meantime; its own events report that.
  }
}
