// Failures between members: a peer that is down, restarts, or sits behind a path that resets or
// blackholes. The transport must drop (not queue) and report, then find the peer again by itself.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { expectNoOpenSockets } from './testing/handles.js';
import { Harness, freePort, seqMessage, seqsFrom, sleep, waitFor, type Member } from './testing/harness.js';
import { TcpProxy } from './testing/tcp-proxy.js';

const h = new Harness();
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await h.stopAll();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(() => expectNoOpenSockets());

/** Sends one numbered message a→b every `everyMs` until stopped; returns the stop function. */
function ticker(a: Member, to: number, everyMs = 5): { stop(): void; sent(): number } {
  let seq = 0;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    a.t.send([seqMessage(a.id, to, seq++, 'MsgHeartbeat')]);
    setTimeout(tick, everyMs);
  };
  tick();
  return { stop: () => (stopped = true), sent: () => seq };
}

/** Delivered sequence numbers only ever increase: drops are allowed, reordering and duplicates not. */
function expectIncreasing(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) if (seqs[i]! <= seqs[i - 1]!) throw new Error(`order broken at ${i}: ${seqs[i - 1]} then ${seqs[i]}`);
}

async function viaProxy(): Promise<{ a: Member; b: Member; proxy: TcpProxy }> {
  const a = h.create(1);
  const b = h.create(2);
  await a.t.start();
  await b.t.start();
  const proxy = TcpProxy.toUrl(b.t.url);
  proxies.push(proxy);
  await proxy.start();
  a.t.addPeer(2, [proxy.url]);
  b.t.addPeer(1, [a.t.url]);
  await waitFor('stream up', () => a.t.stats().peers[0]!.active);
  return { a, b, proxy };
}

describe('peer down, then up', () => {
  it('drops and reports while the peer is down, reconnects by itself when it comes up, twice', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const [a] = await h.cluster(1);
    a!.t.addPeer(2, [url]);

    // Down: nothing listens on the port.
    for (let i = 0; i < 200; i++) a!.t.send([seqMessage(1, 2, i)]);
    await sleep(150);
    for (let i = 200; i < 400; i++) a!.t.send([seqMessage(1, 2, i)]);
    expect(a!.unreachable.length).toBeGreaterThan(0);
    expect(a!.unreachable.every((id) => id === 2)).toBe(true);
    // Rate-limited: 400 dropped sends and several failed dials, a handful of reports.
    expect(a!.unreachable.length).toBeLessThan(10);
    const down = a!.t.stats().peers[0]!;
    expect(down.active).toBe(false);
    expect(down.messagesDropped).toBeGreaterThan(0);
    expect(down.sendFailures).toBeGreaterThan(1); // it kept dialling

    // Up: a member appears on that port; a finds it without being touched.
    const b = h.create(2, { listenUrl: url });
    await b.t.start();
    b.t.addPeer(1, [a!.t.url]);
    await waitFor('a reconnected', () => a!.t.stats().peers[0]!.active, 3_000);
    for (let i = 1000; i < 1100; i++) a!.t.send([seqMessage(1, 2, i)]);
    await waitFor('delivery resumed', () => seqsFrom(b.received, 1).includes(1099));
    expect(seqsFrom(b.received, 1).filter((s) => s >= 1000)).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));

    // Down again (the member stops), then up again with a new process on the same port.
    await b.t.stop();
    await waitFor('a noticed', () => !a!.t.stats().peers[0]!.active);
    const reported = a!.unreachable.length;
    a!.t.send([seqMessage(1, 2, 2000)]);
    await waitFor('reported again', () => a!.unreachable.length > reported);
    const b2 = h.create(2, { listenUrl: url });
    await b2.t.start();
    b2.t.addPeer(1, [a!.t.url]);
    await waitFor('a reconnected again', () => a!.t.stats().peers[0]!.active, 3_000);
    a!.t.send([seqMessage(1, 2, 3000)]);
    await waitFor('delivered to the new process', () => seqsFrom(b2.received, 1).includes(3000));
    expect(a!.t.stats().peers[0]!.reconnects).toBe(1);
    expect(a!.log.records.some((r) => r.level === 'warn' && r.msg === 'lost the stream to peer; reconnecting')).toBe(true);
  });

  it('updatePeer re-dials at once when the URL in use goes away', async () => {
    const [a, b] = await h.cluster(2);
    const c = h.create(3);
    await c.t.start();
    a!.t.addPeer(3, ['http://127.0.0.1:1']);
    c.t.addPeer(1, [a!.t.url]);
    await waitFor('dial failed', () => a!.t.stats().peers.find((p) => p.id === 3)!.sendFailures > 0);
    a!.t.updatePeer(3, [c.t.url]);
    await waitFor('connected', () => a!.t.stats().peers.find((p) => p.id === 3)!.active, 1_000);
    a!.t.send([seqMessage(1, 3, 7), seqMessage(1, 2, 8)]);
    await waitFor('delivered', () => c.received.length === 1 && b!.received.length === 1);
  });

  it('falls back to the next URL when the first one is dead', async () => {
    const [a, b] = await h.cluster(2);
    a!.t.removePeer(2);
    a!.t.addPeer(2, ['http://127.0.0.1:1', b!.t.url]);
    a!.t.send([seqMessage(1, 2, 1)]);
    await waitFor('connected through the second URL', () => a!.t.stats().peers[0]!.active, 2_000);
    a!.t.send([seqMessage(1, 2, 2)]);
    await waitFor('delivered', () => seqsFrom(b!.received, 1).includes(2));
  });
});

describe('through a faulty proxy', () => {
  it('recovers after the proxy resets every connection, keeping order', async () => {
    const { a, b, proxy } = await viaProxy();
    const t = ticker(a, 2);
    await waitFor('traffic', () => b.received.length > 20);
    proxy.dropConnections();
    await waitFor('reconnected', () => a.t.stats().peers[0]!.reconnects === 1, 3_000);
    const mark = t.sent();
    await waitFor('delivery resumed', () => seqsFrom(b.received, 1).some((s) => s > mark + 20));
    t.stop();
    expectIncreasing(seqsFrom(b.received, 1));
    expect(a.unreachable).toContain(2);
  });

  it('detects a blackhole by ping timeout, drops meanwhile, and recovers when it heals', async () => {
    const { a, b, proxy } = await viaProxy();
    const t = ticker(a, 2);
    await waitFor('traffic', () => b.received.length > 20);
    proxy.setMode('blackhole');
    const cut = performance.now();
    await waitFor('a noticed the blackhole', () => !a.t.stats().peers[0]!.active, 3_000);
    // FAST_TUNING: ping every 100 ms, dead after 300 ms unanswered.
    expect(performance.now() - cut).toBeLessThan(1_500);
    expect(a.unreachable).toContain(2);
    await sleep(300);
    const during = a.t.stats().peers[0]!;
    expect(during.messagesDropped).toBeGreaterThan(0);
    const deliveredBeforeHeal = b.received.length;

    proxy.setMode('forward');
    const mark = t.sent();
    await waitFor('delivery resumed', () => seqsFrom(b.received, 1).some((s) => s > mark + 20), 3_000);
    t.stop();
    expect(b.received.length).toBeGreaterThan(deliveredBeforeHeal);
    expectIncreasing(seqsFrom(b.received, 1));
    expect(a.t.stats().peers[0]!.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('bounds what it queues for a peer that does not keep up: drops and reports at once', async () => {
    const a = h.create(1, { tuning: { maxPendingBytes: 256 * 1024, pingIntervalMs: 5_000, pingTimeoutMs: 5_000 } });
    const b = h.create(2);
    await a.t.start();
    await b.t.start();
    const proxy = TcpProxy.toUrl(b.t.url);
    proxies.push(proxy);
    await proxy.start();
    a.t.addPeer(2, [proxy.url]);
    await waitFor('stream up', () => a.t.stats().peers[0]!.active);
    proxy.setMode('blackhole');
    const big = (i: number) => ({ ...seqMessage(1, 2, i), entries: [{ term: 1, index: i, type: 'normal' as const, data: new Uint8Array(16 * 1024) }] });
    // Several MiB toward a peer that reads nothing: well beyond windows and socket buffers.
    for (let i = 0; i < 400; i++) {
      a.t.send([big(i)]);
      if (i % 20 === 0) await sleep(1);
    }
    const s = a.t.stats().peers[0]!;
    expect(s.messagesDropped).toBeGreaterThan(0);
    expect(s.messagesSent + s.messagesDropped).toBe(400);
    expect(a.unreachable).toContain(2);
  });

  it('proxy refusing connections looks like a peer that is down', async () => {
    const { a, proxy } = await viaProxy();
    proxy.setMode('refuse');
    proxy.dropConnections();
    await waitFor('a noticed', () => !a.t.stats().peers[0]!.active);
    const failures = a.t.stats().peers[0]!.sendFailures;
    await waitFor('keeps dialling with backoff', () => a.t.stats().peers[0]!.sendFailures >= failures + 3, 3_000);
    proxy.setMode('forward');
    await waitFor('back', () => a.t.stats().peers[0]!.active, 3_000);
  });
});
