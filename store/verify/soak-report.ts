// What a soak run reports, shared by the runner (test/faults/soak.test.ts, which records one row per
// fault run) and the CLI (bench/soak.ts, which prints them): plain JSON rows and the summary table.

export interface SoakRow {
  seed: number;
  program: string;
  operations: number;
  unknownOutcomes: number;
  watchEvents: number;
  leases: number;
  /** Fault kinds injected, in order. */
  faults: string[];
  /** One line per anomaly: "checker: message". */
  anomalies: string[];
  undecidedKeys: string[];
  /** Longest stretch without a successful key-value operation during the run. */
  longestOutageMs: number;
  wallMs: number;
  /** Raft snapshots the members sent to one another (etcd_network_snapshot_send_success), and applied from the network. */
  snapshotsSent?: number;
  snapshotsApplied?: number;
}

/** The options the CLI hands to the runner (through the FAULT_SOAK environment variable, as JSON). */
export interface SoakOptions {
  runs: number;
  firstSeed: number;
  durationS: number;
  program: 'store-server' | 'etcd';
  /** Fault loops at once (1, or 2 for overlapping faults). */
  concurrency: number;
  /** Members snapshot every this many entries (undefined: the program's default). */
  snapshotCount?: number;
  /** --experimental-snapshot-catchup-entries (store-server only; etcd 3.4 keeps 5000): small, so lagging followers get snapshots. */
  snapshotCatchupEntries?: number;
  /** The JSON-lines file the runner appends a row to after each run. */
  reportPath: string;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatSoak(rows: readonly SoakRow[]): string {
  const perRun = table(
    ['seed', 'program', 'ops', 'failed/unknown', 'watch ev', 'leases', 'faults', 'anomalies', 'undecided', 'snap sent/applied', 'max outage s', 'wall s'],
    rows.map((r) => [
      String(r.seed),
      r.program,
      String(r.operations),
      String(r.unknownOutcomes),
      String(r.watchEvents),
      String(r.leases),
      String(r.faults.length),
      String(r.anomalies.length),
      String(r.undecidedKeys.length),
      r.snapshotsSent === undefined ? '-' : `${r.snapshotsSent}/${r.snapshotsApplied ?? '-'}`,
      (r.longestOutageMs / 1000).toFixed(1),
      (r.wallMs / 1000).toFixed(0),
    ]),
  );
  const kinds = new Map<string, number>();
  for (const r of rows) for (const f of r.faults) kinds.set(f, (kinds.get(f) ?? 0) + 1);
  const sum = (f: (r: SoakRow) => number): number => rows.reduce((n, r) => n + f(r), 0);
  const summary = table(
    ['runs', 'operations', 'faults injected', 'anomalies found', 'runs with anomalies', 'undecided keys'],
    [[String(rows.length), String(sum((r) => r.operations)), String(sum((r) => r.faults.length)), String(sum((r) => r.anomalies.length)), String(rows.filter((r) => r.anomalies.length > 0).length), String(sum((r) => r.undecidedKeys.length))]],
  );
  const byKind = table(
    ['fault', 'injected'],
    [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, String(n)]),
  );
  const details = rows.flatMap((r) => r.anomalies.map((a) => `seed ${r.seed}: ${a}`));
  return [perRun, '', byKind, '', summary, ...(details.length ? ['', 'anomalies:', ...details] : [])].join('\n');
}
