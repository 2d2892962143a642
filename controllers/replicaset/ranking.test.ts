import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { rfc3339 } from '../../client/types.js';
import { podsToDelete, POD_DELETION_COST } from './ranking.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

interface Spec { name: string; node?: string; phase?: string; ready?: boolean; readyAgo?: number; createdAgo?: number; restarts?: number; cost?: number }

function p(s: Spec): V1Pod {
  return {
    metadata: { name: s.name, uid: s.name, creationTimestamp: rfc3339(NOW - (s.createdAgo ?? 10 * HOUR)), annotations: s.cost === undefined ? undefined : { [POD_DELETION_COST]: String(s.cost) } },
    spec: { nodeName: s.node ?? `node-${s.name}`, containers: [] },
    status: {
      phase: s.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True', lastTransitionTime: rfc3339(NOW - (s.readyAgo ?? 5 * HOUR)) }],
      containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: true, restartCount: s.restarts ?? 0 }],
    },
  };
}

describe('deletion ranking (ActivePodsWithRanks)', () => {
  const cases: { name: string; pods: Spec[]; first: string }[] = [
    { name: 'unscheduled before scheduled', pods: [{ name: 'a' }, { name: 'b', node: '' }], first: 'b' },
    { name: 'pending before unknown before running', pods: [{ name: 'run' }, { name: 'unk', phase: 'Unknown' }, { name: 'pend', phase: 'Pending' }], first: 'pend' },
    { name: 'unknown before running', pods: [{ name: 'run' }, { name: 'unk', phase: 'Unknown' }], first: 'unk' },
    { name: 'not ready before ready', pods: [{ name: 'r' }, { name: 'nr', ready: false }], first: 'nr' },
    { name: 'lower deletion cost first', pods: [{ name: 'hi', cost: 10, ready: false }, { name: 'lo', cost: -5 }], first: 'hi' },
    { name: 'deletion cost among equals', pods: [{ name: 'hi', cost: 10 }, { name: 'lo', cost: -5 }], first: 'lo' },
    { name: 'doubled up on a node first', pods: [{ name: 'alone', node: 'n1' }, { name: 'pair1', node: 'n2', readyAgo: 9 * HOUR }, { name: 'pair2', node: 'n2', readyAgo: 9 * HOUR, createdAgo: 11 * HOUR }], first: 'pair1' },
    { name: 'ready for a shorter time first (log buckets)', pods: [{ name: 'long', readyAgo: 10 * HOUR }, { name: 'short', readyAgo: 60_000 }], first: 'short' },
    { name: 'same log bucket of ready time falls through to restarts', pods: [{ name: 'a', readyAgo: 5 * HOUR, restarts: 0 }, { name: 'b', readyAgo: 5 * HOUR + 1000, restarts: 3 }], first: 'a' },
    { name: 'more restarts first', pods: [{ name: 'calm' }, { name: 'crashy', restarts: 7 }], first: 'crashy' },
    { name: 'newer first', pods: [{ name: 'old', createdAgo: 100 * HOUR }, { name: 'new', createdAgo: HOUR }], first: 'new' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pods = c.pods.map(p);
      expect(podsToDelete(pods, pods, 1, NOW)[0]!.metadata!.name).toBe(c.first);
      // Order of input does not matter.
      const reversed = [...pods].reverse();
      expect(podsToDelete(reversed, reversed, 1, NOW)[0]!.metadata!.name).toBe(c.first);
    });
  }
  it('returns every pod when asked for as many or more', () => {
    const pods = [p({ name: 'a' }), p({ name: 'b' })];
    expect(podsToDelete(pods, pods, 5, NOW)).toHaveLength(2);
  });
});
