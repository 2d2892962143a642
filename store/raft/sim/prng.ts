// The simulator's only source of randomness. Every choice a run makes (which step, which member,
// which message, how long a delay) comes from one Rng built from the run's seed, so a seed is a
// complete recipe for a run: replaying it replays every step. Math.random never appears here.

import { seededRandom } from '../raft.js';

/** Mix a seed with a label into a new 32-bit seed (FNV-1a over the label, then a murmur finaliser). */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private readonly next: () => number;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    // mulberry32, the same generator the core uses for election timeouts.
    this.next = seededRandom(this.seed);
  }

  /** A child generator whose stream does not depend on how much of this one was consumed. */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.seed, label));
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('rng.pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A random subset (each item kept with probability p), order preserved. */
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.next() < p);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** Pick a key with probability proportional to its weight (weights <= 0 never win). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[];
    let total = 0;
    for (const k of keys) total += Math.max(0, weights[k]);
    if (total <= 0) throw new Error('rng.weighted: no positive weight');
    let r = this.next() * total;
    for (const k of keys) {
      const w = Math.max(0, weights[k]);
      if (r < w) return k;
      r -= w;
    }
    return keys[keys.length - 1]!;
  }
}
