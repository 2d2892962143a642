// Snapshot transfers over real sockets: intact delivery, and every way a transfer can go wrong
// ending in 'failure' at the sender and no delivery at the receiver.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import * as http2 from 'node:http2';
import { message, type Message, type NodeId } from '../../raft/types.js';
import { FrameKind, encodeRawFrame, encodeSnapshotHeaderFrame, encodeSnapshotTrailerFrame } from './codec.js';
import { HEADER_ERROR, SNAPSHOT_PATH, identityHeaders } from './headers.js';
import { Harness, comparable, seqMessage, seqsFrom, waitFor, sleep, type Member } from './testing/harness.js';
import { expectNoOpenSockets } from './testing/handles.js';
import { TcpProxy } from './testing/tcp-proxy.js';

const h = new Harness();
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await h.stopAll();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(() => expectNoOpenSockets());

const MiB = 1024 * 1024;
const CLUSTER = '18446744073709551557';

function snapMessage(from: NodeId, to: NodeId, data: Uint8Array): Message {
  return message({
    type: 'MsgSnap',
    from,
    to,
    term: 5,
    snapshot: {
      metadata: { index: 12_345, term: 4, confState: { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
      data,
    },
  });
}

const snaps = (m: Member): Message[] => m.received.filter((x) => x.type === 'MsgSnap');

/** a → proxy → b for everything a sends to b (stream and snapshots). */
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

describe('snapshot transfer', () => {
  it('delivers a 5 MiB snapshot intact and reports finish, while messages keep flowing', async () => {
    const [a, b] = await h.cluster(2);
    const data = randomBytes(5 * MiB);
    const snap = snapMessage(1, 2, data);
    a!.t.send([seqMessage(1, 2, 0), snap, seqMessage(1, 2, 1)]);
    for (let i = 2; i < 50; i++) a!.t.send([seqMessage(1, 2, i, 'MsgHeartbeat')]);
    await waitFor('status reported', () => a!.snapshotStatus.length === 1, 10_000);
    expect(a!.snapshotStatus).toEqual([[2, 'finish']]);
    // 'finish' comes after the receiver delivered: the message is already there.
    const [got] = snaps(b!);
    expect(got).toBeDefined();
    expect(createHash('sha256').update(got!.snapshot!.data).digest()).toEqual(createHash('sha256').update(data).digest());
    expect(comparable(got!)).toEqual(comparable(snap));
    await waitFor('other messages delivered', () => b!.received.length === 51);
    expect(seqsFrom(b!.received.filter((m) => m.type !== 'MsgSnap'), 1)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a!.t.stats().peers[0]).toMatchObject({ snapshotsSent: 1, snapshotsFailed: 0 });
    expect(b!.t.stats().peers[0]).toMatchObject({ snapshotsReceived: 1 });
  });

  it('reports failure, and delivers nothing, when the connection breaks mid-transfer', async () => {
    const { a, b, proxy } = await viaProxy();
    proxy.armNext({ dropAfter: 2 * MiB });
    a.t.send([snapMessage(1, 2, randomBytes(5 * MiB))]);
    await waitFor('status reported', () => a.snapshotStatus.length === 1);
    expect(a.snapshotStatus).toEqual([[2, 'failure']]);
    // The receiver sees either a reset or an end of stream inside a frame: both are a failure.
    await waitFor('receiver noticed', () => b.t.stats().peers[0]!.snapshotsFailed === 1);
    expect(snaps(b)).toEqual([]);
    expect(a.t.stats().peers[0]).toMatchObject({ snapshotsFailed: 1, snapshotsSent: 0 });

    // Raft retries the snapshot later; with the path healthy it goes through.
    a.t.send([snapMessage(1, 2, randomBytes(MiB))]);
    await waitFor('second status', () => a.snapshotStatus.length === 2);
    expect(a.snapshotStatus[1]).toEqual([2, 'finish']);
    expect(snaps(b)).toHaveLength(1);
  });

  it('reports failure, and delivers nothing, when a byte is corrupted in transit', async () => {
    const { a, b, proxy } = await viaProxy();
    // Wherever the flip lands (our payload: CRC or SHA-256 mismatch; HTTP/2 framing: protocol
    // error), the outcome must be the same.
    for (const offset of [3 * MiB, 100_000, 1_234_567]) {
      proxy.armNext({ corruptAt: offset });
      a.t.send([snapMessage(1, 2, randomBytes(4 * MiB))]);
      await waitFor('status reported', () => a.snapshotStatus.length === 1);
      expect(a.snapshotStatus.splice(0)).toEqual([[2, 'failure']]);
      expect(snaps(b)).toEqual([]);
    }
  });

  it('fails a transfer that stalls (blackholed path) after the idle timeout', async () => {
    const { a, b, proxy } = await viaProxy();
    proxy.setMode('blackhole');
    const t0 = performance.now();
    a.t.send([snapMessage(1, 2, randomBytes(2 * MiB))]);
    await waitFor('status reported', () => a.snapshotStatus.length === 1, 5_000);
    expect(a.snapshotStatus).toEqual([[2, 'failure']]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900); // FAST_TUNING.snapshotIdleTimeoutMs
    expect(snaps(b)).toEqual([]);
  });

  it('fails at once when the peer is down or unknown', async () => {
    const [a] = await h.cluster(1);
    a!.t.addPeer(2, ['http://127.0.0.1:1']);
    a!.t.send([snapMessage(1, 2, randomBytes(1000)), snapMessage(1, 3, randomBytes(10))]);
    await waitFor('both reported', () => a!.snapshotStatus.length === 2);
    expect(a!.snapshotStatus.sort()).toEqual([
      [2, 'failure'],
      [3, 'failure'],
    ]);
  });

  it('stop() aborts a transfer in flight and reports it as failed before returning', async () => {
    const { a, proxy } = await viaProxy();
    proxy.setMode('blackhole');
    a.t.send([snapMessage(1, 2, randomBytes(2 * MiB))]);
    await sleep(50);
    await a.t.stop();
    expect(a.snapshotStatus).toEqual([[2, 'failure']]);
  });
});

describe('snapshot receiver, fed by hand-made requests', () => {
  const data = randomBytes(300_000);
  const sha = createHash('sha256').update(data).digest();
  const chunks = (body: Uint8Array): Buffer[] => {
    const out: Buffer[] = [];
    for (let o = 0; o < body.length; o += 65_536) out.push(encodeRawFrame(FrameKind.SnapshotChunk, body.subarray(o, o + 65_536)));
    return out;
  };
  const header = (size = data.length, m = snapMessage(1, 2, new Uint8Array(0))): Buffer => encodeSnapshotHeaderFrame(m, size);
  const trailer = (digest: Uint8Array = sha): Buffer => encodeSnapshotTrailerFrame(digest);
  const flip = (b: Buffer, at: number): Buffer => {
    const c = Buffer.from(b);
    c[at]! ^= 0x10;
    return c;
  };

  const cases: [string, () => Buffer[]][] = [
    ['data that does not match the SHA-256', () => [header(), ...chunks(flip(data, 1000)), trailer()]],
    ['a chunk whose CRC does not match', () => {
      const cs = chunks(data);
      cs[2] = flip(cs[2]!, 500);
      return [header(), ...cs, trailer()];
    }],
    ['a stream that ends before the trailer', () => [header(), ...chunks(data)]],
    ['a stream that ends early', () => [header(), ...chunks(data).slice(0, -1)]],
    ['a stream that ends inside a frame', () => [header(), ...chunks(data), trailer().subarray(0, 20)]],
    ['more data than announced', () => [header(data.length - 1), ...chunks(data), trailer()]],
    ['a header whose message claims another sender', () => [header(data.length, snapMessage(3, 2, new Uint8Array(0))), ...chunks(data), trailer()]],
    ['a header addressed to another member', () => [header(data.length, snapMessage(1, 3, new Uint8Array(0))), ...chunks(data), trailer()]],
    ['no header', () => [...chunks(data), trailer()]],
  ];

  it.each(cases)('refuses %s: 400, nothing delivered', async (_, frames) => {
    const [, b] = await h.cluster(2);
    const { status, error } = await post(b!.t.url, frames());
    expect(status).toBe(400);
    expect(error).toMatch(/snapshot/);
    await sleep(20);
    expect(snaps(b!)).toEqual([]);
    expect(b!.t.stats().rejected.corrupt).toBe(1);
    expect(b!.t.stats().peers.find((p) => p.id === 1)).toMatchObject({ snapshotsFailed: 1, snapshotsReceived: 0 });
  });

  it('accepts the same request when it is intact (the control case)', async () => {
    const [, b] = await h.cluster(2);
    const { status } = await post(b!.t.url, [header(), ...chunks(data), trailer()]);
    expect(status).toBe(200);
    expect(Buffer.from(snaps(b!)[0]!.snapshot!.data).equals(data)).toBe(true);
  });
});

/** POSTs frames to /raft/snapshot as member 1 of the test cluster; resolves with the answer. */
async function post(url: string, frames: Buffer[]): Promise<{ status: number; error: string }> {
  const session = http2.connect(url);
  session.on('error', () => {});
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': SNAPSHOT_PATH, ...identityHeaders(CLUSTER, 1, 2) });
      req.on('response', (hd) => resolve({ status: Number(hd[':status']), error: String(hd[HEADER_ERROR] ?? '') }));
      req.on('error', reject);
      for (const f of frames) req.write(f);
      req.end();
    });
  } finally {
    session.destroy();
  }
}
