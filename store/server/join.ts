// Joining an existing cluster with an empty data dir (--initial-cluster-state existing, after
// `etcdctl member add`): the new member does not know the cluster id nor any member id, so it asks
// the other members listed in --initial-cluster for their member table (GET /members on their
// peer URL, as etcd does), checks that --initial-cluster describes that cluster, and finds itself
// in it by its peer URLs. Everything else (keyspace, membership history) then comes through Raft.

import * as http2 from 'node:http2';
import type { PeerMembersInfo } from './transport/index.js';
import { MEMBERS_PATH } from './transport/headers.js';

type RemoteMember = PeerMembersInfo['members'][number];

/** Ask each URL in turn; the first member that answers gives the table. */
export async function fetchClusterMembers(peerUrls: readonly string[], timeoutMs: number): Promise<PeerMembersInfo> {
  const errors: string[] = [];
  for (const url of peerUrls) {
    try {
      return await getMembers(url, timeoutMs);
    } catch (err) {
      errors.push(`${url}: ${(err as Error).message}`);
    }
  }
  throw new Error(`could not retrieve cluster information from the given URLs (${errors.join('; ')})`);
}

function getMembers(url: string, timeoutMs: number): Promise<PeerMembersInfo> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(new URL(url).origin);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err: Error | undefined, info?: PeerMembersInfo): void => {
      clearTimeout(timer);
      session.close();
      if (err) reject(err);
      else resolve(info!);
    };
    session.on('error', (err) => done(err));
    const req = session.request({ ':method': 'GET', ':path': MEMBERS_PATH });
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (c: string) => (body += c));
    req.on('error', (err) => done(err));
    req.on('end', () => {
      if (status !== 200) return done(new Error(`GET ${MEMBERS_PATH} answered ${status}`));
      try {
        done(undefined, parseMembersInfo(body));
      } catch (err) {
        done(err as Error);
      }
    });
    req.end();
  });
}

export function parseMembersInfo(body: string): PeerMembersInfo {
  const v = JSON.parse(body) as Partial<PeerMembersInfo> | null;
  if (!v || typeof v.clusterId !== 'string' || !Array.isArray(v.members)) throw new Error('malformed member table');
  for (const m of v.members) {
    if (typeof m?.id !== 'string' || !Array.isArray(m.peerURLs)) throw new Error('malformed member table');
  }
  return { clusterId: v.clusterId, members: v.members };
}

const sortedKey = (urls: readonly string[]): string => [...urls].sort().join(',');

/**
 * etcd's ValidateClusterAndAssignIDs: --initial-cluster (name → peer URLs) must list exactly the
 * remote members, matched by peer URLs; then this member is the one with our advertised peer URLs.
 * A member that was never added (or was removed) fails here and must not start.
 */
export function findSelf(info: PeerMembersInfo, initialCluster: Map<string, string[]>, advertisePeerUrls: readonly string[]): RemoteMember {
  const local = [...initialCluster.values()].map(sortedKey).sort();
  const remote = info.members.map((m) => sortedKey(m.peerURLs)).sort();
  const shown = `{ClusterID:${BigInt(info.clusterId).toString(16)} PeerURLs:[${remote.join(' ')}]}`;
  if (local.length !== remote.length) throw new Error(`error validating peerURLs ${shown}: member count is unequal`);
  for (let i = 0; i < local.length; i++) {
    if (local[i] !== remote[i]) throw new Error(`error validating peerURLs ${shown}: unmatched member while checking PeerURLs (${JSON.stringify(local[i])} vs ${JSON.stringify(remote[i])})`);
  }
  const mine = sortedKey(advertisePeerUrls);
  const me = info.members.find((m) => sortedKey(m.peerURLs) === mine);
  if (!me) throw new Error(`error validating peerURLs ${shown}: no member has this member's --initial-advertise-peer-urls (${mine})`);
  return me;
}
