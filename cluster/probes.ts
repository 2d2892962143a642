// The questions `up` and `status` ask the running components, all over plain HTTP with short
// timeouts (a hung component must not hang the launcher): health endpoints, a store member's
// Status through etcd's JSON gateway, and objects from the apiserver.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { url } from './components.js';

const TIMEOUT_MS = 1500;

/** true when the health endpoint says so: {"health":"true"} for a store member, 200 otherwise. */
export async function probeHealth(port: number, path: string): Promise<boolean> {
  try {
    const res = await fetch(`${url(port)}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = await res.text();
    if (path === '/health') return res.ok && (JSON.parse(body) as { health?: string }).health === 'true';
    return res.ok;
  } catch {
    return false;
  }
}

export interface MemberStatus {
  memberId: string;
  leaderId: string;
  raftTerm: number;
  raftIndex: number;
  appliedIndex: number;
  revision: number;
  isLearner: boolean;
}

/** Maintenance.Status of one store member (its own view; no forwarding to the leader). */
export async function memberStatus(port: number): Promise<MemberStatus | undefined> {
  try {
    const res = await fetch(`${url(port)}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) return undefined;
    const s = (await res.json()) as { header?: { member_id?: string; revision?: string }; leader?: string; raftTerm?: string; raftIndex?: string; raftAppliedIndex?: string; isLearner?: boolean };
    return {
      memberId: s.header?.member_id ?? '0',
      leaderId: s.leader ?? '0',
      raftTerm: Number(s.raftTerm ?? 0),
      raftIndex: Number(s.raftIndex ?? 0),
      appliedIndex: Number(s.raftAppliedIndex ?? 0),
      revision: Number(s.header?.revision ?? 0),
      isLearner: s.isLearner === true,
    };
  } catch {
    return undefined;
  }
}

/** GET a path from the apiserver; undefined on any failure. */
export async function apiGet<T>(port: number, path: string): Promise<T | undefined> {
  try {
    const res = await fetch(`${url(port)}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export interface LeaseHolder {
  holder: string;
  /** Whether the holder's last renewal is older than the lease duration (the holder is gone). */
  expired: boolean;
}

export async function leaseHolder(apiPort: number, name: string): Promise<LeaseHolder | undefined> {
  const lease = await apiGet<{ spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number } }>(
    apiPort,
    `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`,
  );
  if (!lease?.spec?.holderIdentity) return undefined;
  const renewed = lease.spec.renewTime ? Date.parse(lease.spec.renewTime) : 0;
  return { holder: lease.spec.holderIdentity, expired: Date.now() - renewed > (lease.spec.leaseDurationSeconds ?? 15) * 1000 };
}

export interface NodeCount {
  ready: number;
  total: number;
}

export async function nodesReady(apiPort: number): Promise<NodeCount | undefined> {
  const list = await apiGet<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>(apiPort, '/api/v1/nodes');
  if (!list) return undefined;
  const ready = list.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  return { ready, total: list.items.length };
}

/**
 * The leader-election identity ("<hostname>_<uuid>") a controller-manager or scheduler logged when
 * it began campaigning: the last one in its log is the running process's (logs are appended).
 */
export function identityFromLog(log: string): string | undefined {
  let text: string;
  try {
    const size = statSync(log).size;
    const length = Math.min(size, 1024 * 1024);
    const buf = Buffer.alloc(length);
    const fd = openSync(log, 'r');
    try {
      readSync(fd, buf, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    text = buf.toString('utf8');
  } catch {
    return undefined;
  }
  // Only the current process's lines: those after the launcher's last "starting" marker.
  const marker = text.lastIndexOf('cluster: starting ');
  if (marker >= 0) text = text.slice(marker);
  const matches = [...text.matchAll(/"identity":"([^"]+)"[^\n]*campaigning/g)];
  return matches.at(-1)?.[1];
}
