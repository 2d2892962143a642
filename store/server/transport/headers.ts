// The HTTP/2 side of the peer protocol: paths, header names, and the identities they carry.
//
// Every request names its sender, its intended recipient and the cluster. The receiver checks all
// three before reading a byte of the body, so a member of another cluster (a copy-pasted
// --initial-cluster), a member that was removed, or a stale URL now served by another member
// cannot inject messages into the group.

import type { NodeId } from '../../raft/types.js';

/** The long-lived stream of message batches from one member to another. */
export const STREAM_PATH = '/raft/stream';
/** One request per MsgSnap: header frame then data chunks. */
export const SNAPSHOT_PATH = '/raft/snapshot';
/** GET: the cluster id and member table, for a member joining with an empty data dir (etcd's /members). */
export const MEMBERS_PATH = '/members';

/** Bumped on any incompatible change of codec.ts or of these headers. */
export const PROTOCOL_VERSION = '1';

export const HEADER_PROTOCOL = 'x-raft-protocol';
export const HEADER_CLUSTER_ID = 'x-raft-cluster-id';
export const HEADER_FROM = 'x-raft-from';
export const HEADER_TO = 'x-raft-to';
/** On a rejection: a short reason, for the sender's log. */
export const HEADER_ERROR = 'x-raft-error';
export const CONTENT_TYPE = 'application/x-raft-frames';

const MAX_U64 = (1n << 64n) - 1n;

/**
 * The canonical decimal form of a 64-bit cluster id, or undefined if it is not one. The id stays a
 * string end to end: above 2^53 a JS number would silently round it, and two clusters could match.
 */
export function normalizeClusterId(s: string): string | undefined {
  if (!/^[0-9]{1,20}$/.test(s)) return undefined;
  const v = BigInt(s);
  return v <= MAX_U64 ? v.toString() : undefined;
}

export function isNodeId(v: number): boolean {
  return Number.isSafeInteger(v) && v > 0;
}

/** A member id from a header: a positive safe integer in canonical decimal, or undefined. */
export function parseNodeId(s: string | undefined): NodeId | undefined {
  if (s === undefined || !/^[1-9][0-9]{0,15}$/.test(s)) return undefined;
  const v = Number(s);
  return isNodeId(v) ? v : undefined;
}

/** The headers every request carries. */
export function identityHeaders(clusterId: string, from: NodeId, to: NodeId): Record<string, string> {
  return {
    [HEADER_PROTOCOL]: PROTOCOL_VERSION,
    [HEADER_CLUSTER_ID]: clusterId,
    [HEADER_FROM]: String(from),
    [HEADER_TO]: String(to),
    'content-type': CONTENT_TYPE,
  };
}

/** Only http: (h2c, prior knowledge) for now; TLS arrives with the --peer-* flags. */
export function parsePeerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`invalid peer URL ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:') throw new Error(`peer URL ${raw}: only http:// (cleartext HTTP/2) is supported`);
  return url;
}

/** The URL origin a client session connects to. */
export function peerOrigin(raw: string): string {
  return parsePeerUrl(raw).origin;
}
