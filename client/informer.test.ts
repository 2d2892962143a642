import { describe, expect, it } from 'vitest';
import { SharedInformer } from './informer.js';
import { silentLogger } from './log.js';
import type { ListerWatcher } from './reflector.js';
import type { ListOptions, ObjectList, WatchEvent, WatchOptions } from './rest.js';
import { ApiStatusError, type KubeObject } from './types.js';

const cm = (name: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns', name, resourceVersion: rv } });

/** A scripted apiserver: each list returns the next state; each watch replays a script, then ends or fails. */
class ScriptedServer implements ListerWatcher<KubeObject> {
  lists: ObjectList<KubeObject>[] = [];
  watches: (WatchEvent<KubeObject> | Error)[][] = [];
  readonly listCalls: ListOptions[] = [];
  readonly watchCalls: WatchOptions[] = [];
  private idle: (() => void)[] = [];

  async list(options: ListOptions): Promise<ObjectList<KubeObject>> {
    this.listCalls.push(options);
    return this.lists.shift() ?? { metadata: { resourceVersion: '999' }, items: [] };
  }

  async *watch(options: WatchOptions): AsyncGenerator<WatchEvent<KubeObject>> {
    this.watchCalls.push({ ...options, signal: undefined });
    const script = this.watches.shift();
    if (!script) {
      // Hang until aborted, like a quiet watch.
      await new Promise<void>((r) => {
        this.idle.push(r);
        options.signal?.addEventListener('abort', () => r());
      });
      return;
    }
    for (const step of script) {
      if (step instanceof Error) throw step;
      yield step;
    }
  }
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe('SharedInformer + Reflector', () => {
  it('lists in pages, watches from the list version, resumes from the last version, relists on 410 and delivers the difference', async () => {
    const server = new ScriptedServer();
    server.lists = [
      { metadata: { resourceVersion: '10', continue: 'page2' }, items: [cm('a', '5')] },
      { metadata: { resourceVersion: '10' }, items: [cm('b', '6'), cm('c', '7')] },
      // After the 410: b gone, c unchanged, a changed, d new.
      { metadata: { resourceVersion: '20' }, items: [cm('a', '18'), cm('c', '7'), cm('d', '19')] },
    ];
    server.watches = [
      [{ type: 'MODIFIED', object: cm('a', '11') }, { type: 'BOOKMARK', object: { metadata: { resourceVersion: '12' } } as KubeObject }],
      [{ type: 'ADDED', object: cm('e', '13') }, { type: 'DELETED', object: cm('e', '14') }, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
      [{ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } as unknown as KubeObject }],
    ];
    const inf = new SharedInformer(server, { name: 'cm', log: silentLogger, pageSize: 1 });
    const seen: string[] = [];
    inf.addHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}@${o.metadata.resourceVersion}`),
      onUpdate: (o, n) => seen.push(`update ${n.metadata.name}@${o.metadata.resourceVersion}->${n.metadata.resourceVersion}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    inf.reflector['backoff'].next = () => 1;
    inf.start();
    await until(() => server.listCalls.length === 3 && server.watchCalls.length === 4);
    inf.stop();
    expect(server.listCalls.map((l) => l.continue)).toEqual([undefined, 'page2', undefined]);
    expect(server.watchCalls.map((w) => w.resourceVersion)).toEqual(['10', '12', '14', '20']);
    expect(server.watchCalls.every((w) => w.allowWatchBookmarks)).toBe(true);
    expect(seen).toEqual([
      'add a@5',
      'add b@6',
      'add c@7',
      'update a@5->11',
      'add e@13',
      'delete e',
      'update a@11->18',
      'add d@19',
      'delete b',
    ]);
    expect(inf.lister.list().map((o) => o.metadata.name).sort()).toEqual(['a', 'c', 'd']);
  });

  it('handlers see the cache as of their event; a late handler gets the cache as adds; a throwing handler hurts no one', async () => {
    const server = new ScriptedServer();
    server.lists = [{ metadata: { resourceVersion: '1' }, items: [cm('a', '1')] }];
    server.watches = [[{ type: 'MODIFIED', object: cm('a', '2') }]];
    const inf = new SharedInformer(server, { name: 'cm', log: silentLogger });
    const cacheAtEvent: string[] = [];
    inf.addHandler({
      onAdd: () => {
        throw new Error('bad handler');
      },
    });
    inf.addHandler({ onUpdate: (_o, n) => cacheAtEvent.push(inf.lister.get('ns', n.metadata.name!)!.metadata.resourceVersion!) });
    inf.start();
    await inf.waitForSync();
    await until(() => cacheAtEvent.length === 1);
    expect(cacheAtEvent).toEqual(['2']);
    const late: string[] = [];
    inf.addHandler({ onAdd: (o) => late.push(o.metadata.name!) });
    expect(late).toEqual(['a']);
    inf.stop();
  });

  it('resync calls onUpdate(obj, obj) for every cached object', async () => {
    const server = new ScriptedServer();
    server.lists = [{ metadata: { resourceVersion: '1' }, items: [cm('a', '1'), cm('b', '1')] }];
    const inf = new SharedInformer(server, { name: 'cm', log: silentLogger, resyncMs: 20 });
    const resynced: string[] = [];
    inf.addHandler({ onUpdate: (o, n) => o === n && resynced.push(n.metadata.name!) });
    inf.start();
    await until(() => resynced.length >= 4);
    inf.stop();
    expect(resynced.slice(0, 2).sort()).toEqual(['a', 'b']);
  });

  it('a failing list is retried with backoff', async () => {
    const server = new ScriptedServer();
    let failures = 2;
    const list = server.list.bind(server);
    server.list = async (o) => {
      if (failures-- > 0) throw new ApiStatusError(503, 'ServiceUnavailable', 'not ready');
      return list(o);
    };
    server.lists = [{ metadata: { resourceVersion: '1' }, items: [cm('a', '1')] }];
    const inf = new SharedInformer(server, { name: 'cm', log: silentLogger });
    inf.reflector['backoff'].next = () => 1;
    inf.start();
    await inf.waitForSync();
    expect(inf.lister.list().length).toBe(1);
    inf.stop();
  });
});
