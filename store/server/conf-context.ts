// What a conf change entry carries besides the Raft change: which membership change it is (add,
// promote, remove, update), the member's record, and the id of the request waiting for it (like
// etcd's ConfChange.ID). Entries written before this format carried a bare member record in the
// context: those are additions (the bootstrap entries of a new cluster).

import { hexToId, idToHex } from './identity.js';
import { decodeMember, encodeMember, type MemberRecord } from './membership.js';
import type { MemberChange } from './reconfig.js';

interface WireContext {
  kind: MemberChange['kind'];
  requestId?: string;
  /** add: the whole record (base64 of encodeMember, so the record format has one definition). */
  member?: string;
  /** promote, remove, update: the member id in hex. */
  id?: string;
  peerUrls?: string[];
}

export interface ConfContext {
  change: MemberChange;
  requestId?: string;
}

export function encodeConfContext(c: ConfContext): Uint8Array {
  const ch = c.change;
  const w: WireContext = { kind: ch.kind };
  if (c.requestId !== undefined) w.requestId = c.requestId;
  if (ch.kind === 'add') w.member = Buffer.from(encodeMember(ch.member)).toString('base64');
  else w.id = idToHex(ch.id);
  if (ch.kind === 'update') w.peerUrls = ch.peerUrls;
  return Buffer.from(JSON.stringify(w));
}

export function decodeConfContext(b: Uint8Array): ConfContext {
  const raw = JSON.parse(Buffer.from(b).toString()) as Partial<WireContext> & { peerUrls?: unknown };
  if (raw.kind === undefined) return { change: { kind: 'add', member: decodeMember(b) } };
  const out = (change: MemberChange): ConfContext => (raw.requestId === undefined ? { change } : { change, requestId: raw.requestId });
  switch (raw.kind) {
    case 'add': {
      if (typeof raw.member !== 'string') break;
      const member: MemberRecord = decodeMember(Buffer.from(raw.member, 'base64'));
      return out({ kind: 'add', member });
    }
    case 'promote':
    case 'remove':
      if (typeof raw.id !== 'string') break;
      return out({ kind: raw.kind, id: hexToId(raw.id) });
    case 'update':
      if (typeof raw.id !== 'string' || !Array.isArray(raw.peerUrls)) break;
      return out({ kind: 'update', id: hexToId(raw.id), peerUrls: raw.peerUrls.map(String) });
  }
  throw new Error('malformed conf change context');
}
