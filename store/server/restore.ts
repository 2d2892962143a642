// Offline restore, like `etcdutl snapshot restore`: a snapshot file (what `etcdctl snapshot save`
// wrote) becomes a fresh data directory for one member of a NEW cluster.
//
// The keyspace (every key with its revisions, the compacted revision, the leases) is carried over
// untouched; the identity is not. The members are the --initial-cluster ones, with ids derived
// exactly as a new cluster's founders derive them (identity.ts), so every member restored from the
// same file with the same --initial-cluster and token agrees on everyone's ids without talking.
//
// The Raft state written is "a snapshot at index 1, term 1, committed", whose ConfState lists the
// new members as voters and whose image is the keyspace plus the new member table. Member.open sees
// Raft data and an identity.json, so it takes the restart path: it loads the image and elects a
// leader at term 2. No log entries are needed: the membership is in the snapshot, not in
// bootstrap conf changes (those would add the members a second time).

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HardState, Snapshot } from '../raft/index.js';
import { RaftDisk } from '../storage/raft-disk.js';
import { decodeSnapshotFile } from './grpc/snapshot-file.js';
import { clusterIdFor, idToHex, memberIdFor, parseInitialCluster, raftIdOf } from './identity.js';
import { writeDurably, type Identity, type SnapshotImage } from './member.js';
import { Membership, type MemberRecord } from './membership.js';
import { decodeJson, encodeJson } from './state/requests.js';

/** What Maintenance.Snapshot puts in the file: the keyspace with leases, and the old members. */
export type FileImage = Pick<SnapshotImage, 'kv' | 'members'>;

export interface RestoreOptions {
  /** This member's name; must be one of --initial-cluster's. */
  name: string;
  /** name=url,... of the new cluster. */
  initialCluster: string;
  /** This member's peer URLs; must match its --initial-cluster entry. */
  advertisePeerUrls: string[];
  initialClusterToken: string;
}

/** Everything the restored data directory holds, computed without touching the disk. */
export interface RestorePlan {
  identity: Identity;
  members: MemberRecord[];
  snapshot: Snapshot;
  hardState: HardState;
  /** The keyspace's revision and compacted revision as of the snapshot. */
  revision: number;
  compactRevision: number;
  keys: number;
  leases: number;
}

/** Bad input: a damaged file, flags that do not agree, a data directory in use. One line. */
export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

/** The index and term of the restored Raft snapshot (etcdutl uses the member count; any ≥ 1 works). */
const RESTORE_INDEX = 1;
const RESTORE_TERM = 1;

/** Verify a snapshot file (length, SHA-256 trailer, magic) and check the image inside has the expected shape. */
export function readSnapshotImage(file: Buffer): FileImage {
  const raw = decodeSnapshotFile(file);
  let image: FileImage;
  try {
    image = decodeJson<FileImage>(raw);
  } catch {
    throw new RestoreError('the image inside is not valid JSON');
  }
  const kv = image?.kv as Partial<FileImage['kv']> | undefined;
  if (!kv || typeof kv.currentRev !== 'number' || typeof kv.compactRev !== 'number' || !Array.isArray(kv.changes) || !Array.isArray(kv.leases)) {
    throw new RestoreError('the image inside has no keyspace (currentRev, compactRev, changes, leases)');
  }
  return image;
}

/** The new cluster's member table from the flags; refuses a name or URLs that do not match. */
export function newMembers(opts: RestoreOptions): { me: MemberRecord; members: MemberRecord[]; clusterId: bigint } {
  let founders: Map<string, string[]>;
  try {
    founders = parseInitialCluster(opts.initialCluster);
  } catch (e) {
    throw new RestoreError((e as Error).message);
  }
  const members: MemberRecord[] = [...founders].map(([name, urls]) => ({ id: memberIdFor(urls, opts.initialClusterToken), name, peerUrls: urls, clientUrls: [], isLearner: false }));
  const me = members.find((m) => m.name === opts.name);
  if (!me) throw new RestoreError(`--initial-cluster has no member named ${JSON.stringify(opts.name)}`);
  const mine = [...opts.advertisePeerUrls].sort().join(',');
  if ([...me.peerUrls].sort().join(',') !== mine) {
    throw new RestoreError(`--initial-advertise-peer-urls (${mine}) do not match --initial-cluster for ${opts.name} (${me.peerUrls.join(',')})`);
  }
  const check = new Membership();
  try {
    for (const m of members) check.add(m); // refuses colliding Raft ids, as a bootstrap would
  } catch (e) {
    throw new RestoreError((e as Error).message);
  }
  return { me, members, clusterId: clusterIdFor(members.map((m) => m.id)) };
}

/** The pure transformation: file image + flags → the Raft state of the restored member. */
export function planRestore(image: FileImage, opts: RestoreOptions): RestorePlan {
  const { me, members, clusterId } = newMembers(opts);
  const table = new Membership();
  for (const m of members) table.add(m);
  // The old members and the alarms are the old cluster's business: they are not carried over.
  const restored: SnapshotImage = { kv: image.kv, members: table.dump(), alarms: [] };
  const voters = members.map((m) => raftIdOf(m.id)).sort((a, b) => a - b);
  const snapshot: Snapshot = {
    metadata: { index: RESTORE_INDEX, term: RESTORE_TERM, confState: { voters, learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
    data: encodeJson(restored),
  };
  const live = new Set<string>();
  for (const c of image.kv.changes) {
    const key = Buffer.from(c.kv.key).toString('latin1');
    if (c.tombstone) live.delete(key);
    else live.add(key);
  }
  return {
    identity: { memberId: idToHex(me.id), clusterId: idToHex(clusterId), name: me.name },
    members,
    snapshot,
    // Committed at the snapshot, no vote cast: the first election of the new cluster is at term 2.
    hardState: { term: RESTORE_TERM, vote: 0, commit: RESTORE_INDEX },
    revision: image.kv.currentRev,
    compactRevision: image.kv.compactRev,
    keys: live.size,
    leases: image.kv.leases.length,
  };
}

/** A data directory may be restored into only if it does not exist or is empty (never overwritten). */
export function checkDataDirFree(dataDir: string): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new RestoreError(`data dir ${dataDir} exists and is not empty: refusing to overwrite it`);
  }
}

/**
 * Write the plan as a data directory. It is built beside the target and renamed into place at the
 * end, so a failure half-way leaves no data dir that a member would start from.
 */
export async function writeDataDir(dataDir: string, plan: RestorePlan): Promise<void> {
  checkDataDirFree(dataDir);
  const tmp = `${dataDir}.restoring-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'member'), { recursive: true });
  try {
    const disk = await RaftDisk.open(join(tmp, 'member', 'raft'), { warn: () => {} });
    try {
      await disk.save({ entries: [], snapshot: plan.snapshot, hardState: plan.hardState });
    } finally {
      await disk.close();
    }
    writeDurably(join(tmp, 'member', 'identity.json'), JSON.stringify(plan.identity));
    mkdirSync(dirname(dataDir), { recursive: true });
    // rename(2) replaces an empty directory, and fails on a non-empty one (someone raced us).
    renameSync(tmp, dataDir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Read, verify and plan from a file; every refusal names the file and happens before any write. */
export function planFromFile(file: string, opts: RestoreOptions): RestorePlan {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new RestoreError(`cannot read snapshot file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let image: FileImage;
  try {
    image = readSnapshotImage(bytes);
  } catch (e) {
    throw new RestoreError(`${file}: ${(e as Error).message}`);
  }
  return planRestore(image, opts);
}
