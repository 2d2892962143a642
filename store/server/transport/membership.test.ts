// What the transport does for membership changes: a removed member hears it from the 410 of a
// peer, GET /members serves a joining member, streams report since when they are up (the strict
// reconfiguration checks), and a peer that opens its stream is dialled back at once.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fetchClusterMembers } from '../join.js';
import { expectNoOpenSockets } from './testing/handles.js';
import { Harness, freePort, seqMessage, waitFor } from './testing/harness.js';
import type { PeerMembersInfo } from './types.js';

const h = new Harness();
afterEach(() => h.stopAll());
afterAll(() => expectNoOpenSockets());

describe('transport and membership', () => {
  it('tells a removed member which peer refused it with 410, and reports streams up since when', async () => {
    const before = Date.now();
    const [a, b] = await h.cluster(2);
    a!.t.send([seqMessage(1, 2, 1)]);
    await waitFor('delivered', () => b!.received.length === 1);
    // Frames flow while the dial is still being answered: "active" is the receiver's 200.
    await waitFor('stream accepted', () => a!.t.activeSince(2) !== undefined);
    const since = a!.t.activeSince(2);
    expect(since).toBeGreaterThanOrEqual(before);
    expect(since).toBeLessThanOrEqual(Date.now());
    expect(a!.t.activeSince(99)).toBeUndefined();
    expect(a!.removedBy).toEqual([]);
    b!.t.removePeer(1);
    await waitFor('a told it was removed', () => a!.removedBy.includes(2));
    expect(a!.t.activeSince(2)).toBeUndefined();
    // The peer that removed nobody is not blamed.
    expect(b!.removedBy).toEqual([]);
  });

  it('serves GET /members to anyone (a joining member knows no cluster id yet); 404 without a table', async () => {
    const info: PeerMembersInfo = {
      clusterId: '18446744073709551557',
      members: [{ id: 'fedcba9876543210', name: 'a', peerURLs: ['http://127.0.0.1:1'], clientURLs: [], isLearner: false }],
    };
    const served = h.create(1, { membersInfo: () => info });
    await served.t.start();
    const bare = h.create(2);
    await bare.t.start();
    expect(await fetchClusterMembers([served.t.url], 2000)).toEqual(info);
    // The first URL that answers wins; failures before it are skipped.
    expect(await fetchClusterMembers([bare.t.url, served.t.url], 2000)).toEqual(info);
    await expect(fetchClusterMembers([bare.t.url], 2000)).rejects.toThrow(/could not retrieve cluster information .*answered 404/);
  });

  it('dials a peer back as soon as it opens its stream, instead of waiting out the backoff', async () => {
    const port = await freePort();
    // a's first dial fails (nobody listens yet) and would wait a minute before the next one.
    const a = h.create(1, { tuning: { backoffInitialMs: 60_000, backoffMaxMs: 60_000 } });
    await a.t.start();
    a.t.addPeer(2, [`http://127.0.0.1:${port}`]);
    await waitFor('first dial failed', () => a.unreachable.includes(2));
    const b = h.create(2, { listenUrl: `http://127.0.0.1:${port}` });
    await b.t.start();
    b.t.addPeer(1, [a.t.url]);
    await waitFor('a redialled b', () => a.t.activeSince(2) !== undefined);
    a.t.send([seqMessage(1, 2, 7)]);
    await waitFor('delivered', () => b.received.length === 1);
  });
});
