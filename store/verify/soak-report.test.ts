// The soak summary adds up its rows and lists every anomaly with its seed.

import { describe, expect, it } from 'vitest';
import { formatSoak, type SoakRow } from './soak-report.js';

const row = (seed: number, anomalies: string[]): SoakRow => ({
  seed,
  program: 'store-server',
  operations: 100 * seed,
  unknownOutcomes: 1,
  watchEvents: 10,
  leases: 2,
  faults: ['delay', 'kill-leader'],
  anomalies,
  undecidedKeys: [],
  longestOutageMs: 1500,
  wallMs: 30_000,
});

describe('soak report', () => {
  it('sums runs, operations, faults and anomalies, and names the seed of each anomaly', () => {
    const text = formatSoak([row(1, []), row(2, ['watch: gap'])]);
    const lines = text.split('\n');
    const summary = lines[lines.findIndex((l) => l.startsWith('runs')) + 2];
    expect(summary?.trim().split(/\s+/)).toEqual(['2', '300', '4', '1', '1', '0']);
    expect(text).toContain('seed 2: watch: gap');
    expect(text).toMatch(/kill-leader\s+2/);
  });
});
