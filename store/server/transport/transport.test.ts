// Real sockets on 127.0.0.1: transports exchanging batches, in order, with counters to match.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { message } from '../../raft/types.js';
import { expectNoOpenSockets } from './testing/handles.js';
import { Harness, comparable, seqMessage, seqsFrom, waitFor } from './testing/harness.js';
import { PeerTransport } from './transport.js';
import type { TransportLogger } from './types.js';

const h = new Harness();
afterEach(() => h.stopAll());
afterAll(() => expectNoOpenSockets());

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('PeerTransport', () => {
  it('two members exchange many batches in order, both ways at once', async () => {
    const [a, b] = await h.cluster(2);
    await waitFor('streams up', () => a!.t.stats().peers[0]!.active && b!.t.stats().peers[0]!.active);
    const batches = 500;
    let seq = 0;
    for (let i = 0; i < batches; i++) {
      const size = 1 + (i % 7);
      const fromA = range(size).map((k) => seqMessage(1, 2, seq + k));
      const fromB = range(size).map((k) => seqMessage(2, 1, seq + k, 'MsgAppResp'));
      seq += size;
      a!.t.send(fromA);
      b!.t.send(fromB);
      // Yield now and then so batches interleave with deliveries, as in a real ready loop.
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor('all delivered', () => b!.received.length === seq && a!.received.length === seq);
    expect(seqsFrom(b!.received, 1)).toEqual(range(seq));
    expect(seqsFrom(a!.received, 2)).toEqual(range(seq));
    // Contents survive the trip, not just the order.
    expect(b!.received[10]).toEqual(seqMessage(1, 2, 10));

    const sa = a!.t.stats().peers[0]!;
    const sb = b!.t.stats().peers[0]!;
    expect(sa).toMatchObject({ id: 2, active: true, messagesSent: seq, messagesReceived: seq, messagesDropped: 0, sendFailures: 0 });
    expect(sa.bytesSent).toBe(sb.bytesReceived);
    expect(sb.bytesSent).toBe(sa.bytesReceived);
    expect(a!.unreachable).toEqual([]);
  });

  it('three members, all to all: each sender order is kept at each receiver', async () => {
    const ms = await h.cluster(3);
    await waitFor('all streams up', () => ms.every((m) => m.t.stats().peers.every((p) => p.active)));
    const perPair = 2000;
    for (let seq = 0; seq < perPair; seq += 4) {
      for (const m of ms) {
        // One send() call carrying messages for both other members, interleaved: the transport
        // must split them per destination and keep each destination's order.
        const out = range(4).flatMap((k) => ms.filter((o) => o !== m).map((o) => seqMessage(m.id, o.id, seq + k, 'MsgHeartbeat')));
        m.t.send(out);
      }
    }
    await waitFor('all delivered', () => ms.every((m) => m.received.length === 2 * perPair));
    for (const m of ms) for (const o of ms) if (o !== m) expect(seqsFrom(m.received, o.id)).toEqual(range(perPair));
  });

  it('connects before the first message: messages sent right after addPeer are not lost', async () => {
    const [a, b] = await h.cluster(2);
    a!.t.send(range(100).map((k) => seqMessage(1, 2, k)));
    await waitFor('delivered', () => b!.received.length === 100);
    expect(seqsFrom(b!.received, 1)).toEqual(range(100));
  });

  it('splits large groups into several frames and still keeps order', async () => {
    const [a, b] = await h.cluster(2, { tuning: { maxBatchBytes: 16 * 1024 } });
    const big = range(200).map((k) =>
      message({ type: 'MsgApp', from: 1, to: 2, index: k, entries: [{ term: 1, index: k + 1, type: 'normal', data: new Uint8Array(1000).fill(k % 256) }] }),
    );
    a!.t.send(big);
    await waitFor('delivered', () => b!.received.length === 200);
    expect(b!.received.map(comparable)).toEqual(big.map(comparable));
  });

  it('does not send local messages or messages to itself, and drops messages for unknown members', async () => {
    const [a, b] = await h.cluster(2);
    a!.t.send([
      message({ type: 'MsgHup', to: 2, from: 1 }),
      message({ type: 'MsgHeartbeat', to: 1, from: 1 }),
      message({ type: 'MsgHeartbeat', to: 7, from: 1 }),
      seqMessage(1, 2, 42),
    ]);
    await waitFor('delivered', () => b!.received.length === 1);
    expect(b!.received[0]!.index).toBe(42);
    expect(a!.log.records.some((r) => r.msg === 'dropping messages for an unknown member')).toBe(true);
  });

  it('survives a host callback that throws', async () => {
    const [a] = await h.cluster(1);
    const b = h.create(2);
    let calls = 0;
    const c = new PeerTransport({
      localId: 3,
      clusterId: '18446744073709551557',
      listenUrl: 'http://127.0.0.1:0',
      logger: b.log,
      onMessages: () => {
        calls++;
        throw new Error('host bug');
      },
      onUnreachable: () => {},
      onSnapshotStatus: () => {},
    });
    try {
      await c.start();
      a!.t.addPeer(3, [c.url]);
      a!.t.send([seqMessage(1, 3, 1)]);
      a!.t.send([seqMessage(1, 3, 2)]);
      await waitFor('both batches delivered despite the exception', () => calls === 2);
      expect(b.log.records.some((r) => r.msg === 'transport callback threw')).toBe(true);
    } finally {
      await c.stop();
    }
  });

  it('treats adding a known peer again as an update (a host replaying membership)', async () => {
    const [a, b] = await h.cluster(2);
    await waitFor('stream up', () => a!.t.stats().peers[0]!.active);
    a!.t.addPeer(2, [b!.t.url]);
    a!.t.send([seqMessage(1, 2, 1)]);
    await waitFor('delivered', () => b!.received.length === 1);
    expect(a!.t.stats().peers[0]).toMatchObject({ active: true, sendFailures: 0 });
  });

  it('validates its configuration', () => {
    const base = { listenUrl: 'http://127.0.0.1:0', logger: pinoSilent(), onMessages() {}, onUnreachable() {}, onSnapshotStatus() {} };
    expect(() => new PeerTransport({ ...base, localId: 0, clusterId: '1' })).toThrow(/member id/);
    expect(() => new PeerTransport({ ...base, localId: 1.5, clusterId: '1' })).toThrow(/member id/);
    expect(() => new PeerTransport({ ...base, localId: 1, clusterId: '18446744073709551616' })).toThrow(/cluster id/);
    expect(() => new PeerTransport({ ...base, localId: 1, clusterId: '0x10' })).toThrow(/cluster id/);
    expect(() => new PeerTransport({ ...base, localId: 1, clusterId: '1', listenUrl: 'https://127.0.0.1:1' })).toThrow(/http:/);
    const t = new PeerTransport({ ...base, localId: 1, clusterId: '007' });
    expect(t.clusterId).toBe('7');
    expect(() => t.addPeer(1, ['http://127.0.0.1:1'])).toThrow(/this member/);
    expect(() => t.addPeer(2, [])).toThrow(/at least one URL/);
    expect(() => t.updatePeer(2, ['http://127.0.0.1:1'])).toThrow(/unknown peer/);
  });
});

/** Also proves a pino logger satisfies TransportLogger (a type error here would fail tsc). */
function pinoSilent(): TransportLogger {
  return pino({ level: 'silent' });
}
