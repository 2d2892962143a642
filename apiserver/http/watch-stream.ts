// GET ...?watch=1: a chunked HTTP response of JSON lines, one WatchEvent each:
//   {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}
//
// Where the events come from, by the request's resourceVersion:
//   unset            ADDED for every object of a consistent read at R, then changes after R
//   "0"              ADDED for the watch cache's state, then changes after it
//   N                changes after N: from the cache's history, or straight from the store when N
//                    is older than the cache's window (410 Expired only if the store compacted it)
//   sendInitialEvents=true   ADDED for the current state, then a BOOKMARK marked
//                    k8s.io/initial-events-end, then changes (the "watch-list" protocol)
// Selectors apply to both sides of a change: an object that stops matching arrives as DELETED,
// one that starts matching as ADDED, as Kubernetes' cacher does.
//
// A client that reads too slowly is disconnected rather than allowed to grow our memory without
// bound; nothing is lost, because it resumes from the last resourceVersion it received.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { WatchCompactedError } from '../../store/client/errors.js';
import type { KubeObject } from '../api/object.js';
import { errors, type ApiError } from '../api/status.js';
import { defaultTable, toTable, type IncludeObject } from '../printers/table.js';
import { groupVersion, type ResourceStrategy } from '../resources/strategy.js';
import { buildFilter, FRESHNESS_WAIT_MS, type ObjectFilter } from '../registry/lister.js';
import { listPrefix } from '../registry/storage.js';
import { watchStore } from '../registry/store-watch.js';
import type { ObjectEvent, WatchCache } from '../registry/watch-cache.js';
import type { ObjectStorage } from '../registry/storage.js';
import type { EtcdClient } from '../../store/client/index.js';
import { contentTypeOf, type Rendering } from './negotiate.js';

export interface WatchQuery {
  resourceVersion?: string;
  resourceVersionMatch?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
  includeObject?: IncludeObject;
}

export interface WatchDeps {
  etcd: EtcdClient;
  storage: ObjectStorage;
  cache: WatchCache;
  clock: () => Date;
  /** Counts open watches for /metrics. */
  onOpen?: () => void;
  onClose?: () => void;
}

/** Bytes a client may leave unread before it is disconnected. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const BOOKMARK_INTERVAL_MS = 60_000;
/** Kubernetes' --min-request-timeout: a watch lasts between one and two of it unless the client says. */
const MIN_REQUEST_TIMEOUT_S = 1800;

type WireEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: unknown };

export async function serveWatch(
  deps: WatchDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  s: ResourceStrategy,
  namespace: string | undefined,
  name: string | undefined,
  q: WatchQuery,
  rendering: Rendering,
): Promise<void> {
  const filter = buildFilter(s, { labelSelector: q.labelSelector, fieldSelector: withName(q.fieldSelector, name) });
  const prefix = listPrefix(s.plural, s.namespaced ? namespace : undefined);
  const rv = q.resourceVersion ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw errors.badRequest(`Invalid value: "${rv}": resourceVersion must be a number`);
  await deps.cache.ready();

  // The initial state, when the request asks for one, is computed before any byte is sent, so
  // that errors here are still a plain Status response.
  let initial: KubeObject[] = [];
  let from: bigint;
  const wantsInitial = q.sendInitialEvents === true || rv === '' || rv === '0';
  if (wantsInitial && (rv === '0' || (q.sendInitialEvents && rv === ''))) {
    initial = deps.cache.list(prefix);
    from = deps.cache.revision;
  } else if (wantsInitial && rv === '') {
    const page = await readAll(deps.storage, prefix);
    initial = page.items;
    from = BigInt(page.revision);
  } else if (q.sendInitialEvents) {
    if (!(await deps.cache.waitFor(BigInt(rv), FRESHNESS_WAIT_MS))) throw errors.timeout(`Too large resource version: ${rv}, current: ${deps.cache.revision}`);
    initial = deps.cache.list(prefix);
    from = deps.cache.revision;
  } else {
    from = BigInt(rv);
  }

  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, { 'Content-Type': contentTypeOf(rendering, false), 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  raw.flushHeaders();
  deps.onOpen?.();

  let closed = false;
  let lastSent = from;
  let headersSent = false;
  const timers: NodeJS.Timeout[] = [];
  let stopSource: () => void = () => undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t);
    stopSource();
    deps.onClose?.();
    raw.end();
  };
  req.raw.on('close', close);
  raw.on('error', close);

  const render = (obj: KubeObject): unknown => {
    if (rendering.kind === 'table') {
      const table = toTable(s.table ?? defaultTable, [obj], {
        includeObject: q.includeObject ?? 'Metadata',
        listMeta: { resourceVersion: obj.metadata.resourceVersion },
        now: deps.clock(),
        noHeaders: headersSent,
      });
      headersSent = true;
      return table;
    }
    if (rendering.kind === 'partial-metadata') return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
    return obj;
  };
  let corked = false;
  const write = (line: string): boolean => {
    if (closed) return false;
    // Events that arrive in the same tick leave in one socket write.
    if (!corked) {
      corked = true;
      raw.cork();
      process.nextTick(() => {
        corked = false;
        raw.uncork();
      });
    }
    raw.write(line);
    if (raw.writableLength > MAX_BUFFERED_BYTES) {
      close();
      return false;
    }
    return true;
  };
  const send = (e: WireEvent): boolean => write(JSON.stringify(e) + '\n');
  const sendObjectEvent = (e: ObjectEvent): boolean => {
    const wire = filtered(e, filter);
    lastSent = e.revision;
    if (!wire) return !closed;
    // Plain objects are serialized once per event, however many watchers receive it.
    if (rendering.kind === 'object') return write(`{"type":"${wire.type}","object":${objectJson(wire.object)}}\n`);
    return send({ type: wire.type, object: render(wire.object) });
  };

  for (const obj of initial) if (filter.matches(obj)) send({ type: 'ADDED', object: render(obj) });
  if (q.sendInitialEvents && q.allowWatchBookmarks) {
    send({ type: 'BOOKMARK', object: bookmark(s, String(from), true) });
  }

  const sink = { onEvent: sendObjectEvent, onReset: () => close() };
  const unsubscribe = deps.cache.watch(prefix, from, sink);
  if (unsubscribe) {
    stopSource = unsubscribe;
  } else {
    const handle = watchStore(deps.etcd, prefix, from, sink);
    stopSource = handle.stop;
    handle.done.then(close, (err: unknown) => {
      if (err instanceof WatchCompactedError) {
        const gone: ApiError = errors.expired(`too old resource version: ${from} (${err.compactRevision})`);
        send({ type: 'ERROR', object: gone.toStatus() });
      }
      close();
    });
  }

  if (q.allowWatchBookmarks) {
    const tick = () => {
      if (closed) return;
      // The cache has applied everything up to its revision, so nothing at or below it is still coming.
      const at = unsubscribe && deps.cache.revision > lastSent ? deps.cache.revision : lastSent;
      send({ type: 'BOOKMARK', object: bookmark(s, String(at), false) });
      timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
    };
    timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
  }
  const timeout = q.timeoutSeconds ?? MIN_REQUEST_TIMEOUT_S * (1 + Math.random());
  timers.push(setTimeout(close, timeout * 1000));
}

/** JSON of objects that many watchers send: computed once per object version. */
const jsonCache = new WeakMap<KubeObject, string>();

function objectJson(obj: KubeObject): string {
  let json = jsonCache.get(obj);
  if (json === undefined) {
    json = JSON.stringify(obj);
    jsonCache.set(obj, json);
  }
  return json;
}

/** What a watcher with this filter sees of a change (undefined: nothing). */
export function filtered(e: ObjectEvent, filter: ObjectFilter): { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject } | undefined {
  const now = filter.matches(e.object);
  const before = e.previous !== undefined && filter.matches(e.previous);
  switch (e.type) {
    case 'ADDED':
      return now ? { type: 'ADDED', object: e.object } : undefined;
    case 'DELETED':
      return before || now ? { type: 'DELETED', object: e.object } : undefined;
    case 'MODIFIED':
      if (now && before) return { type: 'MODIFIED', object: e.object };
      if (now) return { type: 'ADDED', object: e.object };
      if (before) return { type: 'DELETED', object: { ...e.previous!, metadata: { ...e.previous!.metadata, resourceVersion: e.object.metadata.resourceVersion } } };
      return undefined;
  }
}

function bookmark(s: ResourceStrategy, resourceVersion: string, initialEventsEnd: boolean): object {
  const metadata: Record<string, unknown> = { resourceVersion, creationTimestamp: null };
  if (initialEventsEnd) metadata['annotations'] = { 'k8s.io/initial-events-end': 'true' };
  return { kind: s.kind, apiVersion: groupVersion(s), metadata };
}

/** A watch on /pods/<name> is a watch of the collection with metadata.name=<name>. */
function withName(fieldSelector: string | undefined, name: string | undefined): string | undefined {
  if (!name) return fieldSelector;
  const term = `metadata.name=${name}`;
  return fieldSelector ? `${fieldSelector},${term}` : term;
}

async function readAll(storage: ObjectStorage, prefix: string): Promise<{ items: KubeObject[]; revision: string }> {
  const items: KubeObject[] = [];
  let revision: string | undefined;
  let startKey: string | undefined;
  do {
    const page = await storage.list(prefix, { revision, startKey, limit: 1000 });
    revision = page.revision;
    items.push(...page.objects.map((o) => o.object));
    startKey = page.nextKey;
  } while (startKey);
  return { items, revision: revision! };
}
