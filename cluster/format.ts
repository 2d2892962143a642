// Status for humans: a table (`cluster status`) and one line (the foreground `cluster up`).

import type { ClusterStatus, ComponentStatus } from './status.js';

function role(c: ComponentStatus): string {
  if (!c.running) return '';
  if (c.kind === 'store' && c.role) return `${c.role} term=${c.term} applied=${c.appliedIndex} rev=${c.revision}`;
  if (c.role === 'standby' && c.holder) return `standby (lease held by ${c.holder})`;
  return c.role ?? '';
}

function health(c: ComponentStatus): string {
  if (!c.running) return c.pid > 0 ? 'stopped' : 'not started';
  return c.healthy ? 'healthy' : 'unhealthy';
}

export function formatTable(s: ClusterStatus): string {
  const rows = [['COMPONENT', 'PID', 'ADDRESS', 'HEALTH', 'ROLE'], ...s.components.map((c) => [c.name, c.running ? String(c.pid) : '-', c.address, health(c), role(c)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd());
  const nodes = s.nodes ? `nodes Ready ${s.nodes.ready}/${s.nodes.total}` : 'nodes: unknown (no healthy apiserver)';
  const up = s.upPid ? `foreground \`cluster up\` pid ${s.upPid}${s.supervise ? ' (supervising)' : ''}` : 'detached';
  return [...lines, '', `${nodes}; ${up}; kubeconfig ${s.kubeconfig}`, ''].join('\n');
}

/** One line, e.g. "store 3/3 (leader store-2, term 2, rev 57) | apiserver 1/1 | controller-manager leader | ...". */
export function formatLine(s: ClusterStatus): string {
  const parts: string[] = [];
  const stores = s.components.filter((c) => c.kind === 'store');
  const leader = stores.find((c) => c.name === s.storeLeader);
  const raft = leader ? ` (leader ${leader.name}, term ${leader.term}, rev ${leader.revision})` : ' (no leader)';
  parts.push(`store ${stores.filter((c) => c.healthy).length}/${stores.length}${raft}`);
  const apis = s.components.filter((c) => c.kind === 'apiserver');
  parts.push(`apiserver ${apis.filter((c) => c.healthy).length}/${apis.length}`);
  for (const c of s.components.filter((x) => x.kind === 'controller-manager' || x.kind === 'scheduler' || x.kind === 'kubelet-lite')) {
    const what = !c.running ? 'down' : !c.healthy ? 'unhealthy' : c.kind === 'kubelet-lite' ? 'up' : c.role === 'leader' ? 'leading' : 'standby';
    parts.push(`${c.name} ${what}`);
  }
  parts.push(s.nodes ? `nodes Ready ${s.nodes.ready}/${s.nodes.total}` : 'nodes ?');
  return parts.join(' | ');
}
