// Which process opened a TCP connection on this machine, from the connection's two ports.
//
// Why: the fault proxy stands in front of a member and must know which member is dialling it, to
// cut one direction between two given members. Every member must see the same --initial-cluster
// (member ids are derived from it), so a per-pair URL map is impossible, and the peer protocol's
// own sender header is inside HPACK-compressed HTTP/2. The kernel knows, though: the dialling
// socket appears in /proc/net/tcp with its inode, and the inode appears among exactly one
// process's /proc/<pid>/fd links. Linux only, like the rest of the suite (SIGSTOP, /usr/bin/etcd).

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/** The inode of the socket whose local port is `localPort` and remote port `remotePort`. */
function socketInode(localPort: number, remotePort: number): string | undefined {
  const local = `:${localPort.toString(16).toUpperCase().padStart(4, '0')}`;
  const remote = `:${remotePort.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (f[1]!.endsWith(local) && f[2]!.endsWith(remote)) return f[9];
    }
  }
  return undefined;
}

function ownsSocket(pid: number, inode: string): boolean {
  const link = `socket:[${inode}]`;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // exited meanwhile
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return true;
    } catch {
      /* closed meanwhile */
    }
  }
  return false;
}

/**
 * Among `candidates` (pid → name), the one that dialled from `dialerPort` to `listenerPort`,
 * or undefined if none of them holds that socket.
 */
export function dialerOf(dialerPort: number, listenerPort: number, candidates: ReadonlyMap<number, string>): string | undefined {
  const inode = socketInode(dialerPort, listenerPort);
  if (inode === undefined || inode === '0') return undefined;
  for (const [pid, name] of candidates) if (ownsSocket(pid, inode)) return name;
  return undefined;
}
