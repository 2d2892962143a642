// HTTP/2 PINGs to find connections that died without a FIN or RST: a peer that lost power, a
// partition, a blackholing middlebox. TCP alone would keep such a socket "open" for many minutes,
// with writes piling up. Both ends ping, so both ends free their side.
//
// A stall of our own event loop (a long GC pause, a big synchronous apply) delays the ping's
// answer too, but says nothing about the peer; the time the check itself ran late is therefore
// not counted against the peer.

import type { Http2Session } from 'node:http2';

/** Starts pinging `session`; calls `onDead` once if a ping goes unanswered. Returns a stop function. */
export function startKeepalive(
  session: Http2Session,
  intervalMs: number,
  timeoutMs: number,
  onDead: (reason: string) => void,
): () => void {
  const period = Math.max(1, Math.min(intervalMs, timeoutMs));
  let outstandingSince: number | undefined;
  let lastCheck = performance.now();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || session.destroyed) return;
    const now = performance.now();
    const lag = Math.max(0, now - lastCheck - period);
    lastCheck = now;
    if (outstandingSince !== undefined) {
      outstandingSince += lag;
      if (now - outstandingSince >= timeoutMs) {
        stop();
        onDead(`no ping answer within ${timeoutMs} ms`);
      }
      return;
    }
    // Pings only make sense once the session is up; before that the dial timeout applies.
    if (session.connecting) return;
    outstandingSince = now;
    try {
      session.ping((err) => {
        if (!err) outstandingSince = undefined;
      });
    } catch {
      // Thrown when the session is closing; the session's own events report that.
    }
  }, period);
  timer.unref();
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}
