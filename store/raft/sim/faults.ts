// The faults a run injects: partitions (symmetric, one-way, an isolated member), a lossy or
// duplicating network, delay spikes; and healing, which undoes all of them at once.

import type { NodeId } from '../types.js';
import type { SimCluster } from './cluster.js';
import type { NetworkParams } from './network.js';
import type { Rng } from './prng.js';

export type FaultKind = 'partition' | 'oneWay' | 'isolate' | 'loss' | 'duplicate' | 'slow';

export function injectFault(c: SimCluster, rng: Rng): void {
  const ids: NodeId[] = [...c.members.values()].filter((m) => m.status !== 'stopped').map((m) => m.id);
  if (ids.length < 2) return;
  const kind = rng.weighted<FaultKind>({ partition: 3, oneWay: 2, isolate: 2, loss: 2, duplicate: 1.5, slow: 1.5 });
  switch (kind) {
    case 'partition': {
      const shuffled = rng.shuffle(ids);
      const cut = rng.int(1, shuffled.length - 1);
      const a = shuffled.slice(0, cut);
      const b = shuffled.slice(cut);
      c.net.partition(a, b);
      c.trace(() => `fault: partition ${a.join(',')} | ${b.join(',')}`);
      return;
    }
    case 'oneWay': {
      // A few directed links go dark: A hears B but B does not hear A (a broken NIC queue, a
      // firewall rule), the case that tests check-quorum and pre-vote the hardest.
      const n = rng.int(1, ids.length);
      const cut: string[] = [];
      for (let i = 0; i < n; i++) {
        const from = rng.pick(ids);
        const to = rng.pick(ids.filter((x) => x !== from));
        c.net.blockOneWay(from, to);
        cut.push(`${from}>${to}`);
      }
      c.trace(() => `fault: one-way ${cut.join(' ')}`);
      return;
    }
    case 'isolate': {
      const x = rng.pick(ids);
      c.net.partition([x], ids.filter((y) => y !== x));
      c.trace(() => `fault: isolate ${x}`);
      return;
    }
    case 'loss':
      c.net.params.loss = rng.pick([0.05, 0.1, 0.2, 0.4]);
      c.trace(() => `fault: loss ${c.net.params.loss}`);
      return;
    case 'duplicate':
      c.net.params.duplicate = rng.pick([0.05, 0.1, 0.3]);
      c.trace(() => `fault: duplicate ${c.net.params.duplicate}`);
      return;
    case 'slow':
      c.net.params.maxDelay = rng.pick([6, 10, 20, 40]);
      c.trace(() => `fault: delays up to ${c.net.params.maxDelay}`);
      return;
  }
}

/** Reconnect everything and restore the run's base network behaviour. */
export function healNetwork(c: SimCluster, base: NetworkParams): void {
  c.net.heal();
  c.net.params = { ...base };
  c.trace(() => 'heal network');
}
