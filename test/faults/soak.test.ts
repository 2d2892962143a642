// The soak runner: many fault runs from consecutive seeds, one row per run appended to a report
// file. It only exists when `npm run soak` (bench/soak.ts) sets FAULT_SOAK (vitest.config.ts
// excludes it otherwise), and fails if any run found an anomaly.

import { appendFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { SoakOptions, SoakRow } from '../../store/verify/soak-report.js';
import { runScenario } from './scenario.js';

const options = JSON.parse(process.env['FAULT_SOAK'] ?? 'null') as SoakOptions | null;
if (!options) throw new Error('soak.test.ts runs through `npm run soak` only (FAULT_SOAK is not set)');

it(`soak: ${options.runs} runs of ${options.durationS} s against ${options.program}`, async () => {
  let anomalies = 0;
  for (let i = 0; i < options.runs; i++) {
    const seed = options.firstSeed + i;
    const r = await runScenario(seed, {
      program: options.program,
      durationMs: options.durationS * 1000,
      concurrency: options.concurrency,
      snapshotCount: options.snapshotCount,
      snapshotCatchupEntries: options.snapshotCatchupEntries,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    const row: SoakRow = {
      seed,
      program: r.program,
      operations: r.operations,
      unknownOutcomes: r.unknownOutcomes,
      watchEvents: r.watchEvents,
      leases: r.leases,
      faults: r.faults.map((f) => f.kind),
      anomalies: r.anomalies.map((a) => `${a.checker}: ${a.message}`),
      undecidedKeys: r.undecidedKeys,
      longestOutageMs: r.longestOutageMs,
      wallMs: r.wallMs,
      snapshotsSent: r.snapshotsSent,
      snapshotsApplied: r.snapshotsApplied,
    };
    appendFileSync(options.reportPath, `${JSON.stringify(row)}\n`);
    anomalies += row.anomalies.length;
    process.stderr.write(`seed ${seed}: ${row.operations} ops, ${row.faults.length} faults, ${row.anomalies.length} anomalies\n`);
  }
  expect(anomalies).toBe(0);
}, 24 * 3600_000);
