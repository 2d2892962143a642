import { describe, expect, it } from 'vitest';
import { ApiEventRecorder, type CoreEvent } from './events.js';
import { silentLogger } from './log.js';
import { FakeCluster } from './testing/fake.js';
import { RESOURCES, type KubeObject } from './types.js';

describe('ApiEventRecorder', () => {
  it('creates an Event in the object namespace, aggregates repeats within 10 minutes, starts over after', async () => {
    const cluster = new FakeCluster();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const rec = new ApiEventRecorder(cluster.client<CoreEvent>(RESOURCES.events), 'deployment-controller', undefined, silentLogger, { now: () => now });
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'prod', uid: 'u1' } };
    rec.event(pod, 'Warning', 'BackOff', 'restarting');
    now += 60_000;
    rec.event(pod, 'Warning', 'BackOff', 'restarting');
    await rec.flush();
    const events = cluster.list<CoreEvent>(RESOURCES.events);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      metadata: { namespace: 'prod' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'prod', uid: 'u1' },
      reason: 'BackOff',
      count: 2,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:01:00Z',
      source: { component: 'deployment-controller' },
      reportingComponent: 'deployment-controller',
    });
    now += 11 * 60_000;
    rec.event(pod, 'Warning', 'BackOff', 'restarting');
    // Cluster-scoped objects' events go to "default".
    rec.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n' } }, 'Normal', 'Ready', 'node is ready');
    await rec.flush();
    expect(cluster.list<CoreEvent>(RESOURCES.events).map((e) => `${e.metadata.namespace} ${e.reason} ${e.count}`)).toEqual(['prod BackOff 2', 'prod BackOff 1', 'default Ready 1']);
  });
});
