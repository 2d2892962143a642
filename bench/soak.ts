// `npm run soak -- --runs N [--seed S] [--duration-s D] [--program store-server|etcd] [--overlap]
// [--snapshot-count C] [--snapshot-catchup-entries E]`: many fault
// runs (test/faults/scenario.ts), then a summary table: runs, operations, faults injected,
// anomalies found. The runs themselves go through vitest (test/faults/soak.test.ts), because the
// fault harness lives with the tests and is not part of the build; this CLI parses the options,
// starts that runner, and prints what it recorded. Exits 1 if any run found an anomaly.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatSoak, type SoakOptions, type SoakRow } from '../store/verify/soak-report.js';

function parse(argv: readonly string[]): Omit<SoakOptions, 'reportPath'> {
  const o: Omit<SoakOptions, 'reportPath'> = { runs: 5, firstSeed: Math.floor(Math.random() * 1_000_000), durationS: 30, program: 'store-server', concurrency: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    if (flag === '--overlap') {
      o.concurrency = 2; // two fault loops: faults overlap
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    const n = Number(value);
    if (flag === '--runs' && Number.isInteger(n) && n > 0) o.runs = n;
    else if (flag === '--seed' && Number.isInteger(n) && n >= 0) o.firstSeed = n;
    else if (flag === '--duration-s' && n > 0) o.durationS = n;
    else if (flag === '--program' && (value === 'store-server' || value === 'etcd')) o.program = value;
    else if (flag === '--snapshot-count' && Number.isInteger(n) && n > 0) o.snapshotCount = n;
    else if (flag === '--snapshot-catchup-entries' && Number.isInteger(n) && n > 0) o.snapshotCatchupEntries = n;
    else throw new Error(`bad option ${flag} ${value} (usage: --runs N [--seed S] [--duration-s D] [--program store-server|etcd] [--overlap] [--snapshot-count C] [--snapshot-catchup-entries E])`);
  }
  // Few entries kept after a snapshot only matter if snapshots are taken within a run.
  if (o.snapshotCatchupEntries !== undefined && o.snapshotCount === undefined) o.snapshotCount = 100;
  return o;
}

let parsed;
try {
  parsed = parse(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`soak: ${(e as Error).message}\n`);
  process.exit(2);
}
const root = resolve(import.meta.dirname, '../..');
const reportPath = join(tmpdir(), `fault-soak-${process.pid}.jsonl`);
const options: SoakOptions = { ...parsed, reportPath };
process.stderr.write(
  `soak: ${options.runs} runs from seed ${options.firstSeed}, ${options.durationS} s each, against ${options.program}` +
    `${options.concurrency > 1 ? ', overlapping faults' : ''}${options.snapshotCount ? `, --snapshot-count=${options.snapshotCount}` : ''}` +
    `${options.snapshotCatchupEntries ? `, --experimental-snapshot-catchup-entries=${options.snapshotCatchupEntries}${options.program === 'etcd' ? ' (ignored: etcd 3.4 has no such flag)' : ''}` : ''}\n`,
);
const vitest = spawnSync(join(root, 'node_modules/.bin/vitest'), ['run', '--project', 'process', 'test/faults/soak.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FAULT_SOAK: JSON.stringify(options) },
});
const rows: SoakRow[] = existsSync(reportPath)
  ? readFileSync(reportPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SoakRow)
  : [];
rmSync(reportPath, { force: true });
process.stdout.write(`\n${formatSoak(rows)}\n`);
const anomalies = rows.some((r) => r.anomalies.length > 0);
if (rows.length < options.runs) process.stderr.write(`soak: only ${rows.length} of ${options.runs} runs completed (runner exit ${vitest.status})\n`);
process.exit(anomalies || rows.length < options.runs || vitest.status !== 0 ? 1 : 0);
