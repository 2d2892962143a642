// `cluster snapshot save FILE`: Maintenance.Snapshot through etcd's JSON gateway on a healthy
// member, the blobs written in order as etcdctl writes them. The server already shaped the file
// (padding and a SHA-256 trailer); we verify that trailer before the file takes its final name,
// so a truncated download never looks like a good snapshot.

import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeSnapshotFile, SnapshotFileError } from '../store/server/grpc/snapshot-file.js';
import { loadState } from './commands.js';
import { url } from './components.js';
import { CliError } from './errors.js';
import { probeHealth } from './probes.js';
import { isRunning } from './processes.js';

interface SnapshotLine {
  result?: { blob?: string; header?: { revision?: string } };
  error?: { message?: string };
}

export async function snapshotSave(dataDir: string, file: string): Promise<void> {
  const state = loadState(dataDir);
  let member;
  for (const c of state.components.filter((x) => x.kind === 'store')) {
    if (isRunning(c.pid, c.script) && (await probeHealth(c.port, c.healthPath))) {
      member = c;
      break;
    }
  }
  if (!member) throw new CliError('no healthy store member to take a snapshot from');
  const target = resolve(file);
  const part = `${target}.part`;
  const fd = openSync(part, 'w');
  let revision = '';
  try {
    const res = await fetch(`${url(member.port)}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
    if (!res.ok || !res.body) throw new CliError(`snapshot from ${member.name} failed: HTTP ${res.status} ${await res.text()}`);
    // One JSON object per line: {"result": {..., "blob": base64}} or {"error": {...}}.
    let pending = '';
    const decoder = new TextDecoder();
    const take = (line: string) => {
      if (!line.trim()) return;
      const msg = JSON.parse(line) as SnapshotLine;
      if (msg.error) throw new CliError(`snapshot from ${member.name} failed: ${msg.error.message ?? JSON.stringify(msg.error)}`);
      if (msg.result?.header?.revision) revision = msg.result.header.revision;
      if (msg.result?.blob) writeSync(fd, Buffer.from(msg.result.blob, 'base64'));
    };
    for await (const chunk of res.body) {
      pending += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        take(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    }
    take(pending);
  } catch (e) {
    closeSync(fd);
    rmSync(part, { force: true });
    if (e instanceof CliError) throw e;
    throw new CliError(`snapshot from ${member.name} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  closeSync(fd);
  const bytes = readFileSync(part);
  try {
    decodeSnapshotFile(bytes);
  } catch (e) {
    rmSync(part, { force: true });
    if (e instanceof SnapshotFileError) throw new CliError(`the snapshot downloaded from ${member.name} is not valid: ${e.message}`);
    throw e;
  }
  renameSync(part, target);
  const sha = createHash('sha256').update(bytes).digest('hex');
  console.log(`saved ${target} from ${member.name}: ${bytes.length} bytes, revision ${revision || '?'}, sha256 ${sha} (integrity trailer verified)`);
}
