// The member table: who is in the cluster, under which ids and URLs. It is replicated state: it
// changes only when a conf change entry is applied (its context carries the member's record) or
// when a member publishes its client URLs through the log, so every member holds the same table.

import { hexToId, idToHex, raftIdOf } from './identity.js';

export interface MemberRecord {
  id: bigint;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

/** How a record travels in a conf change's context and in snapshots (ids as hex strings). */
interface WireMember {
  id: string;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

export function encodeMember(m: MemberRecord): Uint8Array {
  const w: WireMember = { id: idToHex(m.id), name: m.name, peerUrls: m.peerUrls, clientUrls: m.clientUrls, isLearner: m.isLearner };
  return Buffer.from(JSON.stringify(w));
}

export function decodeMember(b: Uint8Array): MemberRecord {
  const w = JSON.parse(Buffer.from(b).toString()) as WireMember;
  return { id: hexToId(w.id), name: w.name, peerUrls: w.peerUrls, clientUrls: w.clientUrls ?? [], isLearner: !!w.isLearner };
}

export class Membership {
  private readonly members = new Map<bigint, MemberRecord>();
  private readonly byRaftId = new Map<number, bigint>();
  /** Members removed from this cluster: their ids may never come back (etcd keeps the same rule). */
  private readonly removed = new Set<bigint>();

  add(m: MemberRecord): void {
    const raftId = raftIdOf(m.id);
    const other = this.byRaftId.get(raftId);
    if (other !== undefined && other !== m.id) throw new Error(`member ${idToHex(m.id)} collides with ${idToHex(other)} on raft id ${raftId}`);
    this.members.set(m.id, { ...m, peerUrls: [...m.peerUrls], clientUrls: [...m.clientUrls] });
    this.byRaftId.set(raftId, m.id);
  }

  remove(id: bigint): void {
    this.members.delete(id);
    this.byRaftId.delete(raftIdOf(id));
    this.removed.add(id);
  }

  promote(id: bigint): void {
    const m = this.members.get(id);
    if (m) m.isLearner = false;
  }

  updatePeerUrls(id: bigint, peerUrls: string[]): void {
    const m = this.members.get(id);
    if (m) m.peerUrls = [...peerUrls];
  }

  setClientUrls(id: bigint, name: string, clientUrls: string[]): void {
    const m = this.members.get(id);
    if (!m) return;
    m.name = name;
    m.clientUrls = [...clientUrls];
  }

  get(id: bigint): MemberRecord | undefined {
    return this.members.get(id);
  }

  byRaft(raftId: number): MemberRecord | undefined {
    const id = this.byRaftId.get(raftId);
    return id === undefined ? undefined : this.members.get(id);
  }

  isRemoved(id: bigint): boolean {
    return this.removed.has(id);
  }

  list(): MemberRecord[] {
    return [...this.members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  dump(): { members: WireMember[]; removed: string[] } {
    return {
      members: this.list().map((m) => JSON.parse(Buffer.from(encodeMember(m)).toString()) as WireMember),
      removed: [...this.removed].map(idToHex),
    };
  }

  load(d: { members: WireMember[]; removed: string[] }): void {
    this.members.clear();
    this.byRaftId.clear();
    this.removed.clear();
    for (const w of d.members) this.add(decodeMember(Buffer.from(JSON.stringify(w))));
    for (const r of d.removed) this.removed.add(hexToId(r));
  }
}
