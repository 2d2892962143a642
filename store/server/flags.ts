// store-server's command line: etcd's flag names, defaults and forms (--flag=value, --flag value,
// and ETCD_<FLAG> environment variables), so a script that starts etcd starts store-server by
// changing the program name.

import { parseAutoCompaction } from './auto-compaction.js';

export interface ServerFlags {
  name: string;
  dataDir: string;
  listenClientUrls: string[];
  advertiseClientUrls: string[];
  listenPeerUrls: string[];
  initialAdvertisePeerUrls: string[];
  initialCluster: string;
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  heartbeatInterval: number;
  electionTimeout: number;
  snapshotCount: number;
  quotaBackendBytes: number;
  maxRequestBytes: number;
  maxTxnOps: number;
  autoCompactionMode: 'periodic' | 'revision';
  autoCompactionRetention: string;
  /** etcd 3.5.14+'s name (3.4 has a fixed 5000): Raft entries the leader keeps after a snapshot for slow followers. */
  experimentalSnapshotCatchupEntries: number;
  strictReconfigCheck: boolean;
  logLevel: string;
  listenMetricsUrls: string[];
}

interface FlagSpec {
  key: keyof ServerFlags;
  kind: 'string' | 'urls' | 'int' | 'bool';
  def: string;
  help: string;
}

const SPECS: Record<string, FlagSpec> = {
  name: { key: 'name', kind: 'string', def: 'default', help: 'human-readable name for this member' },
  'data-dir': { key: 'dataDir', kind: 'string', def: '${name}.etcd', help: 'path to the data directory' },
  'listen-client-urls': { key: 'listenClientUrls', kind: 'urls', def: 'http://localhost:2379', help: 'URLs to listen on for client traffic (gRPC and JSON share the port)' },
  'advertise-client-urls': { key: 'advertiseClientUrls', kind: 'urls', def: 'http://localhost:2379', help: 'client URLs to advertise to the rest of the cluster' },
  'listen-peer-urls': { key: 'listenPeerUrls', kind: 'urls', def: 'http://localhost:2380', help: 'URLs to listen on for peer traffic' },
  'initial-advertise-peer-urls': { key: 'initialAdvertisePeerUrls', kind: 'urls', def: 'http://localhost:2380', help: "this member's peer URLs to advertise to the rest of the cluster" },
  'initial-cluster': { key: 'initialCluster', kind: 'string', def: 'default=http://localhost:2380', help: 'initial cluster configuration for bootstrapping' },
  'initial-cluster-state': { key: 'initialClusterState', kind: 'string', def: 'new', help: "initial cluster state ('new' or 'existing')" },
  'initial-cluster-token': { key: 'initialClusterToken', kind: 'string', def: 'etcd-cluster', help: 'initial cluster token for the cluster during bootstrap' },
  'heartbeat-interval': { key: 'heartbeatInterval', kind: 'int', def: '100', help: 'time (in milliseconds) of a heartbeat interval' },
  'election-timeout': { key: 'electionTimeout', kind: 'int', def: '1000', help: 'time (in milliseconds) for an election to timeout' },
  'snapshot-count': { key: 'snapshotCount', kind: 'int', def: '100000', help: 'number of committed transactions to trigger a snapshot to disk' },
  'quota-backend-bytes': { key: 'quotaBackendBytes', kind: 'int', def: '0', help: 'raise alarms when the keyspace exceeds this size (0 = 2 GiB)' },
  'max-request-bytes': { key: 'maxRequestBytes', kind: 'int', def: '1572864', help: 'maximum client request size in bytes the server will accept' },
  'max-txn-ops': { key: 'maxTxnOps', kind: 'int', def: '128', help: 'maximum number of operations permitted in a transaction' },
  'auto-compaction-mode': { key: 'autoCompactionMode', kind: 'string', def: 'periodic', help: "interpret 'auto-compaction-retention' one of: periodic|revision. 'periodic' for duration based retention, defaulting to hours if no time unit is provided (e.g. '5m'). 'revision' for revision number based retention." },
  'auto-compaction-retention': { key: 'autoCompactionRetention', kind: 'string', def: '0', help: 'auto compaction retention length. 0 means disable auto compaction.' },
  'experimental-snapshot-catchup-entries': { key: 'experimentalSnapshotCatchupEntries', kind: 'int', def: '5000', help: 'number of entries for a slow follower to catch up after compacting the raft storage entries' },
  'strict-reconfig-check': { key: 'strictReconfigCheck', kind: 'bool', def: 'true', help: 'reject reconfiguration requests that would cause quorum loss' },
  'log-level': { key: 'logLevel', kind: 'string', def: 'info', help: 'log level: debug, info, warn, error' },
  'listen-metrics-urls': { key: 'listenMetricsUrls', kind: 'urls', def: '', help: 'extra URLs to serve /metrics and /health on' },
};

export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

export function usage(): string {
  const lines = ['Usage: store-server [flags]', '', 'An etcd v3 compatible store member. Flags (etcd names; also ETCD_<NAME> environment variables):'];
  for (const [flag, spec] of Object.entries(SPECS)) lines.push(`  --${flag}${spec.kind === 'bool' ? '' : ` <${spec.kind === 'int' ? 'n' : 'value'}>`}\n      ${spec.help} (default ${JSON.stringify(spec.def)})`);
  return lines.join('\n');
}

/** Parse argv (without node and script) and the environment. Throws FlagError with a one-line message. */
export function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ServerFlags {
  const raw = new Map<string, string>();
  for (const [flag] of Object.entries(SPECS)) {
    const envName = `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`;
    const v = env[envName];
    if (v !== undefined) raw.set(flag, v);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) throw new FlagError(`unexpected argument ${JSON.stringify(arg)}`);
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = SPECS[name];
    if (!spec) throw new FlagError(`unknown flag --${name} (see --help)`);
    let value: string;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (spec.kind === 'bool' && (i + 1 >= argv.length || argv[i + 1]!.startsWith('-'))) value = 'true';
    else {
      if (i + 1 >= argv.length) throw new FlagError(`flag --${name} needs a value`);
      value = argv[++i]!;
    }
    raw.set(name, value);
  }
  const out: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(SPECS)) {
    const v = raw.get(flag) ?? spec.def;
    switch (spec.kind) {
      case 'string':
        out[spec.key] = v;
        break;
      case 'int': {
        if (!/^\d+$/.test(v)) throw new FlagError(`invalid value ${JSON.stringify(v)} for --${flag}: not a non-negative integer`);
        out[spec.key] = Number(v);
        break;
      }
      case 'bool':
        if (!['true', 'false', '1', '0'].includes(v)) throw new FlagError(`invalid value ${JSON.stringify(v)} for --${flag}: not a boolean`);
        out[spec.key] = v === 'true' || v === '1';
        break;
      case 'urls': {
        const urls = v.split(',').map((u) => u.trim()).filter(Boolean);
        for (const u of urls) {
          let parsed: URL;
          try {
            parsed = new URL(u);
          } catch {
            throw new FlagError(`invalid URL ${JSON.stringify(u)} for --${flag}`);
          }
          if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new FlagError(`URL scheme must be http or https: ${u} (--${flag})`);
          if (parsed.protocol === 'https:') throw new FlagError(`TLS is not supported yet: ${u} (--${flag})`);
        }
        out[spec.key] = urls;
        break;
      }
    }
  }
  const f = out as unknown as ServerFlags;
  if (f.dataDir === '${name}.etcd') f.dataDir = `${f.name}.etcd`;
  if (f.initialClusterState !== 'new' && f.initialClusterState !== 'existing') {
    throw new FlagError(`invalid value ${JSON.stringify(f.initialClusterState)} for --initial-cluster-state: want 'new' or 'existing'`);
  }
  if (f.autoCompactionMode !== 'periodic' && f.autoCompactionMode !== 'revision') {
    throw new FlagError(`invalid value ${JSON.stringify(f.autoCompactionMode)} for --auto-compaction-mode: want 'periodic' or 'revision'`);
  }
  // etcd parses the retention when it starts (embed.StartEtcd) and exits with this message.
  try {
    parseAutoCompaction(f.autoCompactionMode, f.autoCompactionRetention);
  } catch (e) {
    throw new FlagError((e as Error).message);
  }
  if (f.experimentalSnapshotCatchupEntries < 1) throw new FlagError('--experimental-snapshot-catchup-entries must be > 0');
  if (f.heartbeatInterval <= 0) throw new FlagError('--heartbeat-interval must be > 0');
  if (f.electionTimeout < 5 * f.heartbeatInterval) {
    throw new FlagError(`--election-timeout[${f.electionTimeout}ms] should be at least as 5 times as --heartbeat-interval[${f.heartbeatInterval}ms]`);
  }
  if (f.listenClientUrls.length === 0) throw new FlagError('--listen-client-urls is empty');
  return f;
}
