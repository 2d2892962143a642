// A watch served straight from the store, for a client resuming from a resourceVersion older than
// the watch cache's window. etcd still has the history unless it was compacted, in which case the
// client gets 410 Expired and re-lists: exactly what Kubernetes clients expect.

import type { EtcdClient } from '../../store/client/index.js';
import { decodeStored } from './storage.js';
import type { CacheWatchSink, ObjectEvent } from './watch-cache.js';

export interface StoreWatchHandle {
  stop(): void;
  /** Resolves when the watch ends; rejects with WatchCompactedError when the start revision is gone. */
  done: Promise<void>;
}

export function watchStore(etcd: EtcdClient, keyPrefix: string, fromRevision: bigint, sink: CacheWatchSink): StoreWatchHandle {
  const watcher = etcd.watch(keyPrefix, { prefix: true, startRevision: String(fromRevision + 1n), prevKv: true });
  const done = (async () => {
    for await (const batch of watcher) {
      for (const ev of batch.events) {
        const kv = ev.kv;
        if (!kv) continue;
        const key = kv.key.toString('utf8');
        const revision = BigInt(kv.mod_revision);
        const previous = ev.prev_kv ? decodeStored(ev.prev_kv).object : undefined;
        let e: ObjectEvent;
        if (ev.type === 'DELETE') {
          if (!previous) continue;
          e = { type: 'DELETED', object: { ...previous, metadata: { ...previous.metadata, resourceVersion: kv.mod_revision } }, previous, revision, key };
        } else {
          const object = decodeStored(kv).object;
          e = previous ? { type: 'MODIFIED', object, previous, revision, key } : { type: 'ADDED', object, revision, key };
        }
        if (!sink.onEvent(e)) {
          watcher.cancel();
          return;
        }
      }
    }
  })();
  done.catch(() => undefined);
  return { stop: () => watcher.cancel(), done };
}

