// Who may talk to a member: same cluster, addressed to it, from a member it knows and has not
// removed. Plus what a receiver does with traffic that lies or arrives damaged.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as http2 from 'node:http2';
import { message, type Message } from '../../raft/types.js';
import { encodeBatchFrame } from './codec.js';
import { HEADER_ERROR, STREAM_PATH, identityHeaders } from './headers.js';
import { expectNoOpenSockets } from './testing/handles.js';
import { Harness, seqMessage, seqsFrom, sleep, waitFor, type Member } from './testing/harness.js';

const h = new Harness();
afterEach(() => h.stopAll());
afterAll(() => expectNoOpenSockets());

const CLUSTER = '18446744073709551557';

const rejectedLogged = (m: Member, reason: string): boolean =>
  m.log.records.some((r) => r.msg === 'rejected peer request' && (r.obj as { reason?: string }).reason === reason);

describe('admission', () => {
  it('rejects a member of another cluster, even one whose id differs only beyond 2^53', async () => {
    const [a, b] = await h.cluster(2);
    // 18446744073709551557 and ...556 are the same JS number: only string comparison tells them apart.
    expect(Number('18446744073709551556')).toBe(Number(CLUSTER));
    const foreign = h.create(1, { clusterId: '18446744073709551556' });
    await foreign.t.start();
    foreign.t.addPeer(2, [b!.t.url]);
    foreign.t.send([seqMessage(1, 2, 1)]);
    await waitFor('rejected', () => b!.t.stats().rejected.clusterMismatch > 0);
    await waitFor('sender told', () => foreign.unreachable.includes(2));
    expect(b!.received).toEqual([]);
    expect(rejectedLogged(b!, 'clusterMismatch')).toBe(true);
    expect(foreign.log.records.some((r) => r.level === 'error' && /412/.test(String((r.obj as { reason?: string }).reason)))).toBe(true);
    // The legitimate member 1 is unaffected.
    a!.t.send([seqMessage(1, 2, 5)]);
    await waitFor('delivered', () => b!.received.length === 1);
  });

  it('rejects a member it does not know once it knows its peers', async () => {
    const [, b] = await h.cluster(2);
    const stranger = h.create(9);
    await stranger.t.start();
    stranger.t.addPeer(2, [b!.t.url]);
    stranger.t.send([seqMessage(9, 2, 1)]);
    await waitFor('rejected', () => b!.t.stats().rejected.unknownMember > 0);
    expect(b!.received).toEqual([]);
    expect(rejectedLogged(b!, 'unknownMember')).toBe(true);
  });

  it('accepts any member of the cluster while it knows no peer (a member still joining)', async () => {
    const [a] = await h.cluster(1);
    const joining = h.create(4);
    await joining.t.start();
    a!.t.addPeer(4, [joining.t.url]);
    a!.t.send([seqMessage(1, 4, 1)]);
    await waitFor('delivered', () => joining.received.length === 1);
  });

  it('closes the stream of a removed member and refuses it from then on', async () => {
    const [a, b] = await h.cluster(2);
    a!.t.send([seqMessage(1, 2, 1)]);
    await waitFor('delivered', () => b!.received.length === 1);
    b!.t.removePeer(1);
    expect(b!.t.hasPeer(1)).toBe(false);
    await waitFor('a lost its stream', () => !a!.t.stats().peers[0]!.active);
    for (let i = 2; i < 50; i++) {
      a!.t.send([seqMessage(1, 2, i)]);
      await sleep(2);
    }
    await waitFor('redials refused as removed', () => b!.t.stats().rejected.removedMember > 0);
    expect(seqsFrom(b!.received, 1)).toEqual([1]);
    expect(a!.log.records.some((r) => /410/.test(String((r.obj as { reason?: string }).reason)))).toBe(true);
  });

  it('rejects traffic addressed to another member id (a stale URL)', async () => {
    const [a, b] = await h.cluster(2);
    a!.t.addPeer(3, [b!.t.url]); // a believes member 3 listens where member 2 does
    a!.t.send([seqMessage(1, 3, 1)]);
    await waitFor('rejected', () => b!.t.stats().rejected.wrongRecipient > 0);
    expect(b!.received).toEqual([]);
  });

  it('answers unknown endpoints and protocol versions with an error', async () => {
    const [, b] = await h.cluster(2);
    const headers = identityHeaders(CLUSTER, 1, 2);
    expect(await request(b!.t.url, { ':method': 'GET', ':path': STREAM_PATH, ...headers })).toMatchObject({ status: 404 });
    expect(await request(b!.t.url, { ':method': 'POST', ':path': '/other', ...headers })).toMatchObject({ status: 404 });
    expect(await request(b!.t.url, { ':method': 'POST', ':path': STREAM_PATH, ...headers, 'x-raft-protocol': '2' })).toMatchObject({
      status: 400,
      error: expect.stringMatching(/protocol version 2/),
    });
    expect(await request(b!.t.url, { ':method': 'POST', ':path': STREAM_PATH, ...headers, 'x-raft-from': '1e3' })).toMatchObject({
      status: 400,
    });
    expect(b!.t.stats().rejected.protocol).toBe(4);
  });
});

describe('damaged or lying traffic on the message stream', () => {
  const ok = (seq: number): Message => seqMessage(1, 2, seq);

  const cases: [string, () => Buffer, RegExp][] = [
    ['a frame whose CRC does not match', () => flip(encodeBatchFrame([ok(2)]), 12), /checksum/],
    ['a message claiming another sender', () => encodeBatchFrame([ok(2), seqMessage(3, 2, 3)]), /from 3/],
    ['a message for another member', () => encodeBatchFrame([seqMessage(1, 3, 2)]), /to 3/],
    ['a local message type', () => encodeBatchFrame([message({ type: 'MsgHup', from: 1, to: 2 })]), /local message/],
    ['a snapshot outside the snapshot endpoint', () => encodeBatchFrame([message({ type: 'MsgSnap', from: 1, to: 2 })]), /MsgSnap on a stream/],
  ];

  it.each(cases)('%s: the batch is refused whole, the stream closed, the good frame before it kept', async (_, bad, detail) => {
    const [, b] = await h.cluster(2);
    const session = http2.connect(b!.t.url);
    session.on('error', () => {});
    try {
      const req = session.request({ ':method': 'POST', ':path': STREAM_PATH, ...identityHeaders(CLUSTER, 1, 2) });
      const closed = new Promise<void>((resolve) => req.on('close', resolve));
      req.on('error', () => {});
      req.write(encodeBatchFrame([ok(1)]));
      req.write(bad());
      req.write(encodeBatchFrame([ok(9)]));
      await closed;
      await sleep(20);
      expect(seqsFrom(b!.received, 1)).toEqual([1]);
      expect(b!.t.stats().rejected.corrupt).toBe(1);
      const logged = b!.log.records.find((r) => r.msg === 'refused damaged peer traffic; closing the request');
      expect(String((logged?.obj as { detail?: string }).detail)).toMatch(detail);
    } finally {
      session.destroy();
    }
  });
});

function flip(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at]! ^= 0x01;
  return c;
}

async function request(url: string, headers: http2.OutgoingHttpHeaders): Promise<{ status: number; error: string }> {
  const session = http2.connect(url);
  session.on('error', () => {});
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request(headers);
      req.on('response', (hd) => resolve({ status: Number(hd[':status']), error: String(hd[HEADER_ERROR] ?? '') }));
      req.on('error', reject);
      req.end();
    });
  } finally {
    session.destroy();
  }
}
