// A seed must be a complete recipe for a run, or "replay this seed" is a lie: the same seed
// gives the same run, step for step, and nothing in the simulator reads a clock or Math.random.

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSeed } from './driver.js';
import { seedBase } from './scenarios.js';

function traceOf(seed: number): string[] {
  const lines: string[] = [];
  runSeed(seed, { trace: (l) => lines.push(l), steps: 600 });
  return lines;
}

describe('determinism', () => {
  for (const seed of [seedBase('random', 3) + 7, seedBase('membership', 5) + 3, seedBase('churn', 3) + 11]) {
    it(`seed ${seed} replays identically`, () => {
      const a = traceOf(seed);
      const b = traceOf(seed);
      expect(a.length).toBeGreaterThan(100);
      expect(b).toEqual(a);
    });
  }

  it('different seeds give different runs', () => {
    expect(traceOf(seedBase('random', 3) + 1)).not.toEqual(traceOf(seedBase('random', 3) + 2));
  });

  it('the simulator reads no clock and no ambient randomness', () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const banned = /Math\.random|Date\.now|new Date\(|performance\.now|process\.hrtime|crypto\./;
    for (const f of readdirSync(dir)) {
      // Test files may time themselves; the simulation code may not.
      if (!f.endsWith('.ts') || f.endsWith('.test.ts') || f === 'sweep.ts') continue;
      // Code only: comments may talk about what the code must not do.
      const src = readFileSync(join(dir, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect(src, f).not.toMatch(banned);
    }
  });
});
