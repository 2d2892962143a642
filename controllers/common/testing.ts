// Test helpers shared by the controllers' unit tests (not used at runtime).

import type { V1Pod } from '@kubernetes/client-node';
import { objectKey, rfc3339, type ClientSet, type EventHandler, type Informer, type KubeObject, type Lister, type ResourceRef } from '../../client/types.js';
import type { FakeCluster } from '../../client/testing/fake.js';
import { indexValues } from '../../client/testing/fake.js';

/**
 * A ClientSet over a FakeCluster whose informers for `lagging` resources lag behind the store:
 * writes land in the store at once, but the informer cache and handlers see them only on flush().
 * That is the window expectations exist for.
 */
export function laggingClientSet(cluster: FakeCluster, lagging: ResourceRef[]): { cs: ClientSet; flush(): void } {
  const base = cluster.clientSet();
  const pending: (() => void)[] = [];
  const made = new Map<string, Informer<KubeObject>>();
  const cs: ClientSet = {
    ...base,
    informer: <T extends KubeObject>(r: ResourceRef): Informer<T> => {
      if (!lagging.some((l) => l.plural === r.plural && l.group === r.group)) return base.informer<T>(r);
      const existing = made.get(r.plural);
      if (existing) return existing as unknown as Informer<T>;
      const inner = base.informer<T>(r);
      const cache = new Map<string, T>(inner.lister.list().map((o) => [objectKey(o), o]));
      const handlers: EventHandler<T>[] = [];
      inner.addHandler({
        onAdd: (o) => pending.push(() => { cache.set(objectKey(o), o); handlers.forEach((h) => h.onAdd?.(o)); }),
        onUpdate: (old, o) => pending.push(() => { cache.set(objectKey(o), o); handlers.forEach((h) => h.onUpdate?.(old, o)); }),
        onDelete: (o) => pending.push(() => { cache.delete(objectKey(o)); handlers.forEach((h) => h.onDelete?.(o)); }),
      });
      const lister: Lister<T> = {
        get: (ns, name) => cache.get(ns ? `${ns}/${name}` : name),
        list: (ns) => [...cache.values()].filter((o) => ns === undefined || o.metadata.namespace === ns),
        byIndex: (index, value) => [...cache.values()].filter((o) => indexValues(index, o).includes(value)),
      };
      const inf: Informer<T> = { lister, addHandler: (h) => handlers.push(h), hasSynced: () => true };
      made.set(r.plural, inf as unknown as Informer<KubeObject>);
      return inf;
    },
  };
  return { cs, flush: () => pending.splice(0).forEach((f) => f()) };
}

/** Sets a pod's phase and Ready condition (what kubelet-lite would report), at `atMs`. */
export function podWithReadiness(pod: V1Pod, ready: boolean, atMs: number, nodeName = 'node-1'): V1Pod {
  return {
    ...pod,
    spec: { ...pod.spec!, nodeName: pod.spec?.nodeName ?? nodeName },
    status: {
      ...pod.status,
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: rfc3339(atMs) }],
    },
  };
}
