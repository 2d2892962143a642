// The one handler behind every /api and /apis resource URL: it turns a parsed ResourceRequest into
// a registry call and renders the answer (object, list, Table, Status). Kinds are never named
// here; everything kind-specific comes from the strategy.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { KubeObject, ListMeta } from '../api/object.js';
import { ApiError, errors } from '../api/status.js';
import { applyPatch, contentTypeToPatchKind, defaultFieldManager, PatchError, type PatchKind } from '../patch/index.js';
import { defaultTable, toTable, type IncludeObject } from '../printers/table.js';
import { groupVersion, type ResourceStrategy } from '../resources/strategy.js';
import { deleteCollection, deleteObject, parseDeleteOptions } from '../registry/deletion.js';
import { listObjects } from '../registry/lister.js';
import type { FieldValidation, Registry, WriteOptions, WriteTarget } from '../registry/registry.js';
import { bindPod, evictPod, finalizeNamespace, toScale, updateScale } from '../registry/subresources.js';
import type { WatchCache } from '../registry/watch-cache.js';
import { decodeObjectBody, mediaTypeOf } from './body.js';
import { findDuplicateFields } from '../schema/unknown-fields.js';
import { contentTypeOf, negotiate, type Rendering } from './negotiate.js';
import type { ResourceRequest } from './request-info.js';
import { serveWatch } from './watch-stream.js';

export interface HandlerDeps {
  registry: Registry;
  strategyFor(group: string, version: string, resource: string): ResourceStrategy | undefined;
  cacheFor(s: ResourceStrategy): WatchCache;
  watchOpened(): void;
  watchClosed(): void;
}

type Query = Record<string, string | undefined>;

export async function handleResource(deps: HandlerDeps, info: ResourceRequest, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const s = deps.strategyFor(info.group, info.version, info.resource);
  if (!s) throw errors.pathNotFound();
  if (s.namespaced === false && info.namespace !== undefined) throw errors.pathNotFound();
  const query = req.query as Query;
  const rendering = negotiate(req.headers.accept);
  if (!rendering) throw errors.notAcceptable('application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io');
  const namespace = s.namespaced ? info.namespace : undefined;
  const sub = info.subresource;

  if (sub !== undefined && !subresourceAllowed(s, sub, info.verb)) throw sub && isKnownSubresource(s, sub) ? errors.methodNotAllowed() : errors.pathNotFound();

  switch (info.verb) {
    case 'get': {
      const stored = await deps.registry.get(s, namespace, info.name!);
      if (sub === 'scale') return send(reply, 200, toScale(s, stored.object), rendering);
      return sendObject(reply, 200, s, stored.object, rendering, query, deps.registry.now());
    }
    case 'list': {
      const limit = query['limit'] !== undefined ? Number(query['limit']) : undefined;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw errors.badRequest(`limit: Invalid value: "${query['limit']}": must be a non-negative integer`);
      const result = await listObjects(deps.registry.storage, deps.cacheFor(s), s, namespace, {
        labelSelector: query['labelSelector'],
        fieldSelector: query['fieldSelector'],
        resourceVersion: query['resourceVersion'],
        resourceVersionMatch: query['resourceVersionMatch'],
        limit,
        continue: query['continue'],
      });
      const meta: ListMeta = { resourceVersion: result.resourceVersion };
      if (result.continue) meta.continue = result.continue;
      if (result.remainingItemCount !== undefined) meta.remainingItemCount = result.remainingItemCount;
      return sendList(reply, s, result.items, meta, rendering, query, deps.registry.now());
    }
    case 'watch': {
      const timeout = query['timeoutSeconds'] !== undefined ? Number(query['timeoutSeconds']) : undefined;
      return serveWatch(
        { etcd: deps.registry.etcd, storage: deps.registry.storage, cache: deps.cacheFor(s), clock: () => deps.registry.now(), onOpen: deps.watchOpened, onClose: deps.watchClosed },
        req,
        reply,
        s,
        namespace,
        info.name,
        {
          resourceVersion: query['resourceVersion'],
          resourceVersionMatch: query['resourceVersionMatch'],
          labelSelector: query['labelSelector'],
          fieldSelector: query['fieldSelector'],
          allowWatchBookmarks: query['allowWatchBookmarks'] === 'true' || query['allowWatchBookmarks'] === '1',
          sendInitialEvents: query['sendInitialEvents'] === 'true',
          timeoutSeconds: timeout !== undefined && Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
          includeObject: includeObjectOf(query),
        },
        rendering,
      );
    }
    case 'create': {
      const opts = writeOptions(req, query);
      const body = decodeWithDuplicates(req, opts);
      if (sub === 'binding') return send(reply, 201, await bindPod(deps.registry, s, namespace!, info.name!, body, opts), rendering, opts);
      if (sub === 'eviction') return send(reply, 201, await evictPod(deps.registry, s, namespace!, info.name!, body), rendering, opts);
      if (info.name !== undefined) throw errors.methodNotAllowed();
      const created = await deps.registry.create(s, namespace, body, opts);
      return sendObject(reply, 201, s, created, rendering, query, deps.registry.now(), opts);
    }
    case 'update': {
      const opts = writeOptions(req, query);
      const body = decodeWithDuplicates(req, opts);
      if (sub === 'scale') return send(reply, 200, await updateScale(deps.registry, s, namespace, info.name!, body, opts), rendering, opts);
      if (sub === 'finalize') return sendObject(reply, 200, s, await finalizeNamespace(deps.registry, s, info.name!, body, opts), rendering, query, deps.registry.now(), opts);
      const { object, created } = await deps.registry.update(s, namespace, info.name!, body, targetOf(sub), opts);
      return sendObject(reply, created ? 201 : 200, s, object, rendering, query, deps.registry.now(), opts);
    }
    case 'patch': {
      const opts = writeOptions(req, query);
      const kind = patchKindOf(req.headers['content-type']);
      if (kind === 'apply' && !query['fieldManager']) {
        throw errors.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      }
      if (sub === 'scale') {
        // A Scale patch is applied to the Scale view, then written back as spec.replicas.
        const current = await deps.registry.get(s, namespace, info.name!);
        const scale = toScale(s, current.object) as unknown as KubeObject;
        const patched = kind === 'apply' ? scale : applyPatch(kind, scale, bodyText(req), undefined);
        return send(reply, 200, await updateScale(deps.registry, s, namespace, info.name!, patched, opts), rendering, opts);
      }
      const force = query['force'] === 'true';
      const { object, created } = await deps.registry.patch(s, namespace, info.name!, kind, bodyText(req), targetOf(sub), { ...opts, force });
      return sendObject(reply, created ? 201 : 200, s, object, rendering, query, deps.registry.now(), opts);
    }
    case 'delete': {
      const raw = rawBody(req);
      const body = raw.length > 0 ? decodeObjectBody(raw, req.headers['content-type']) : undefined;
      const options = parseDeleteOptions(body, query);
      const { object, gone } = await deleteObject(deps.registry, s, namespace, info.name!, options);
      // 200 when the object is gone, 202 when deletion waits for finalizers or a grace period.
      return sendObject(reply, gone ? 200 : 202, s, object, rendering, query, deps.registry.now());
    }
    case 'deletecollection': {
      const raw = rawBody(req);
      const body = raw.length > 0 ? decodeObjectBody(raw, req.headers['content-type']) : undefined;
      const options = parseDeleteOptions(body, query);
      const listed = await listObjects(deps.registry.storage, deps.cacheFor(s), s, namespace, {
        labelSelector: query['labelSelector'],
        fieldSelector: query['fieldSelector'],
      });
      const deleted = await deleteCollection(deps.registry, s, listed.items, options);
      return sendList(reply, s, deleted, { resourceVersion: listed.resourceVersion }, rendering, query, deps.registry.now());
    }
  }
}

function isKnownSubresource(s: ResourceStrategy, sub: string): boolean {
  return (
    (sub === 'status' && Boolean(s.subresources.status)) ||
    (sub === 'scale' && Boolean(s.subresources.scale)) ||
    ((sub === 'binding' || sub === 'eviction') && s.group === '' && s.plural === 'pods') ||
    (sub === 'finalize' && s.group === '' && s.plural === 'namespaces')
  );
}

function subresourceAllowed(s: ResourceStrategy, sub: string, verb: string): boolean {
  if (!isKnownSubresource(s, sub)) return false;
  switch (sub) {
    case 'status':
    case 'scale':
      return verb === 'get' || verb === 'update' || verb === 'patch';
    case 'binding':
    case 'eviction':
      return verb === 'create';
    case 'finalize':
      return verb === 'update';
  }
  return false;
}

function targetOf(sub: string | undefined): WriteTarget {
  return sub === 'status' ? 'status' : 'main';
}

function includeObjectOf(q: Query): IncludeObject | undefined {
  const v = q['includeObject'];
  return v === 'None' || v === 'Object' || v === 'Metadata' ? v : undefined;
}

/** The raw body: a Buffer for binary media types (protobuf), text otherwise. */
function rawBody(req: FastifyRequest): string | Buffer {
  const b = req.body;
  if (Buffer.isBuffer(b)) return b;
  return bodyText(req);
}

function bodyText(req: FastifyRequest): string {
  const b = req.body;
  if (b === undefined || b === null) return '';
  return typeof b === 'string' ? b : Buffer.isBuffer(b) ? b.toString('utf8') : JSON.stringify(b);
}

/** Decodes an object body; with field validation on, a JSON body's repeated fields are noted first. */
function decodeWithDuplicates(req: FastifyRequest, opts: WriteOptions): unknown {
  const raw = rawBody(req);
  const body = decodeObjectBody(raw, req.headers['content-type']);
  if (opts.fieldValidation !== 'Ignore' && typeof raw === 'string' && mediaTypeOf(req.headers['content-type']) === 'application/json') {
    const duplicates = findDuplicateFields(raw);
    if (duplicates.length > 0) opts.duplicateFields = duplicates;
  }
  return body;
}

/** The patch kind of a Content-Type; 415 with Kubernetes' list of patch types otherwise. */
function patchKindOf(contentType: string | undefined): PatchKind | 'apply' {
  try {
    return contentTypeToPatchKind(mediaTypeOf(contentType));
  } catch (err) {
    if (err instanceof PatchError) throw new ApiError(err.code, err.reason || 'UnsupportedMediaType', err.message, err.details);
    throw err;
  }
}

export function writeOptions(req: FastifyRequest, q: Query): WriteOptions {
  const dryRun = q['dryRun'];
  if (dryRun !== undefined && dryRun !== 'All') throw errors.badRequest(`dryRun: Unsupported value: "${dryRun}": supported values: "All"`);
  const fv = q['fieldValidation'] ?? 'Warn';
  if (fv !== 'Ignore' && fv !== 'Warn' && fv !== 'Strict') {
    throw errors.badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  }
  const manager = q['fieldManager'] ?? defaultFieldManager(req.headers['user-agent'] ?? '');
  if (manager.length > 128) throw errors.badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
  return { dryRun: dryRun === 'All', fieldManager: manager, fieldValidation: fv as FieldValidation, warnings: [] };
}

function addWarnings(reply: FastifyReply, opts: WriteOptions | undefined): void {
  if (!opts || opts.warnings.length === 0) return;
  reply.header('Warning', opts.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

// Bodies are sent as Buffers: fastify leaves a Buffer's Content-Type exactly as set, where for a
// string it would re-serialize the media type parameters (as="Table"; charset=utf-8).
export function send(reply: FastifyReply, code: number, body: unknown, rendering: Rendering, opts?: WriteOptions): void {
  addWarnings(reply, opts);
  const yaml = rendering.kind === 'object' && rendering.format === 'yaml';
  reply.code(code).header('Content-Type', yaml ? 'application/yaml' : 'application/json').send(Buffer.from(yaml ? toYaml(body) : JSON.stringify(body)));
}

function sendObject(reply: FastifyReply, code: number, s: ResourceStrategy, obj: KubeObject, rendering: Rendering, q: Query, now: Date, opts?: WriteOptions): void {
  addWarnings(reply, opts);
  if (rendering.kind === 'table') {
    const table = toTable(s.table ?? defaultTable, [obj], { includeObject: includeObjectOf(q) ?? 'Metadata', listMeta: { resourceVersion: obj.metadata.resourceVersion }, now });
    reply.code(code).header('Content-Type', contentTypeOf(rendering, false)).send(Buffer.from(JSON.stringify(table)));
    return;
  }
  if (rendering.kind === 'partial-metadata') {
    const body = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: obj.metadata };
    reply.code(code).header('Content-Type', contentTypeOf(rendering, false)).send(Buffer.from(rendering.format === 'yaml' ? toYaml(body) : JSON.stringify(body)));
    return;
  }
  send(reply, code, obj, rendering);
}

function sendList(reply: FastifyReply, s: ResourceStrategy, items: KubeObject[], meta: ListMeta, rendering: Rendering, q: Query, now: Date): void {
  if (rendering.kind === 'table') {
    const table = toTable(s.table ?? defaultTable, items, { includeObject: includeObjectOf(q) ?? 'Metadata', listMeta: meta, now });
    reply.code(200).header('Content-Type', contentTypeOf(rendering, true)).send(Buffer.from(JSON.stringify(table)));
    return;
  }
  if (rendering.kind === 'partial-metadata') {
    const body = {
      kind: 'PartialObjectMetadataList',
      apiVersion: `meta.k8s.io/${rendering.version}`,
      metadata: meta,
      items: items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${rendering.version}`, metadata: o.metadata })),
    };
    reply.code(200).header('Content-Type', contentTypeOf(rendering, true)).send(Buffer.from(JSON.stringify(body)));
    return;
  }
  send(reply, 200, { kind: `${s.kind}List`, apiVersion: groupVersion(s), metadata: meta, items }, rendering);
}
