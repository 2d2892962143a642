import { describe, expect, it } from 'vitest';
import { IndexedCache } from './cache.js';
import type { KubeObject } from './types.js';

const pod = (ns: string, name: string, extra: { node?: string; labels?: Record<string, string>; owner?: string } = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name, labels: extra.labels, ownerReferences: extra.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: extra.owner }] : undefined },
    spec: extra.node ? { nodeName: extra.node } : {},
  }) as KubeObject;

describe('IndexedCache', () => {
  it('gets by namespace/name and lists all or per namespace', () => {
    const c = new IndexedCache<KubeObject>();
    c.set(pod('a', 'p1'));
    c.set(pod('b', 'p2'));
    c.set({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    expect(c.get('a', 'p1')?.metadata.name).toBe('p1');
    expect(c.get(undefined, 'n1')?.kind).toBe('Node');
    expect(c.list().length).toBe(3);
    expect(c.list('b').map((o) => o.metadata.name)).toEqual(['p2']);
    expect(c.list('none')).toEqual([]);
  });

  it('keeps every index in step with replacements and deletes', () => {
    const c = new IndexedCache<KubeObject>();
    expect(c.set(pod('a', 'p', { node: 'n1', labels: { app: 'web', tier: 'fe' }, owner: 'u1' }))).toBeUndefined();
    expect(c.byIndex('nodeName', 'n1').length).toBe(1);
    expect(c.byIndex('label', 'app=web').length).toBe(1);
    expect(c.byIndex('ownerUid', 'u1').length).toBe(1);

    const old = c.set(pod('a', 'p', { node: 'n2', labels: { app: 'api' } }));
    expect(old?.metadata.labels).toEqual({ app: 'web', tier: 'fe' });
    expect(c.byIndex('nodeName', 'n1')).toEqual([]);
    expect(c.byIndex('nodeName', 'n2').length).toBe(1);
    expect(c.byIndex('label', 'app=web')).toEqual([]);
    expect(c.byIndex('label', 'tier=fe')).toEqual([]);
    expect(c.byIndex('label', 'app=api').length).toBe(1);
    expect(c.byIndex('ownerUid', 'u1')).toEqual([]);

    expect(c.delete('a/p')?.metadata.name).toBe('p');
    expect(c.delete('a/p')).toBeUndefined();
    expect(c.byIndex('nodeName', 'n2')).toEqual([]);
    expect(c.byIndex('namespace', 'a')).toEqual([]);
    expect(c.size).toBe(0);
  });
});
