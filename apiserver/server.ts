// The apiserver as a fastify application. Stateless: everything it knows is in the store, so any
// number of them may run against one store, and any of them may be killed at any time.
//
//   /healthz /livez /readyz /version /metrics       operations
//   /api /apis /apis/<g> /api/v1 /apis/<g>/<v>      discovery (legacy and aggregated)
//   /openapi/v2 /openapi/v3/...                      schemas (openapi/)
//   /api/... /apis/...                               resources: one generic handler (http/)

import Fastify, { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DeadlineExceededError, EtcdClient, UnavailableError } from '../store/client/index.js';
import { ApiError, errors } from './api/status.js';
import { aggregatedContentType, aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery/discovery.js';
import { MAX_BODY_BYTES } from './http/body.js';
import { PROTOBUF_MEDIA_TYPE } from './protobuf/index.js';
import { parseResourcePath } from './http/request-info.js';
import { handleResource, type HandlerDeps } from './http/resource-handler.js';
import { ApiserverMetrics } from './metrics.js';
import { openapiRoutes } from './openapi/routes.js';
import { Registry } from './registry/registry.js';
import { WatchCache } from './registry/watch-cache.js';
import { ALL_STRATEGIES } from './resources/catalog.js';
import type { ResourceStrategy } from './resources/strategy.js';
import { createSchemaSource } from './schema/schema-source.js';
import { KUBERNETES_VERSION } from './openapi/documents.js';
import { TokenAuthenticator } from './auth/token-file.js';
import { ensureSystemNamespaces } from './bootstrap.js';

export interface ApiserverOptions {
  storeEndpoints: string[];
  logger: Logger;
  /** Static bearer tokens; none = unauthenticated local access. */
  tokens?: TokenAuthenticator;
  strategies?: readonly ResourceStrategy[];
  /** The address announced in /api's serverAddressByClientCIDRs. */
  advertiseAddress?: string;
  /** Serve HTTPS instead of HTTP. */
  tls?: { cert: Buffer; key: Buffer };
}

export interface Apiserver {
  /** Starts serving; resolves with the listening URL. */
  listen(host: string, port: number): Promise<string>;
  etcd: EtcdClient;
  metrics: ApiserverMetrics;
  close(): Promise<void>;
}

/** Paths anyone may read, as Kubernetes' system:public-info-viewer role allows. */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export async function buildApiserver(opts: ApiserverOptions): Promise<Apiserver> {
  const strategies = opts.strategies ?? ALL_STRATEGIES;
  const etcd = new EtcdClient({ endpoints: opts.storeEndpoints });
  const schemas = createSchemaSource(strategies);
  const metrics = new ApiserverMetrics();
  const registry = new Registry(etcd, schemas, undefined, (operation, seconds) => metrics.storeLatency.observe({ operation, type: 'object' }, seconds));
  const caches = new Map<ResourceStrategy, WatchCache>();
  for (const s of strategies) {
    const cache = new WatchCache(etcd, s.plural, opts.logger.child({ component: 'watch-cache' }));
    caches.set(s, cache);
    cache.start();
  }
  const byPath = new Map<string, ResourceStrategy>();
  for (const s of strategies) byPath.set(`${s.group}/${s.version}/${s.plural}`, s);

  const deps: HandlerDeps = {
    registry,
    strategyFor: (group, version, resource) => byPath.get(`${group}/${version}/${resource}`),
    cacheFor: (s) => caches.get(s)!,
    watchOpened: () => metrics.watches.inc({ verb: 'WATCH' }),
    watchClosed: () => metrics.watches.dec({ verb: 'WATCH' }),
  };

  const app = Fastify({ ...(opts.tls ? { https: opts.tls } : {}), loggerInstance: opts.logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: MAX_BODY_BYTES, return503OnClosing: false });
  // Bodies are read as text: decoding depends on the Content-Type and on the verb (patch types).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
  app.addContentTypeParser(PROTOBUF_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler(async (err: unknown, req, reply) => {
    const apiError = toApiError(err);
    if (apiError.code >= 500) req.log.error({ err }, 'request failed');
    if (reply.raw.headersSent) return;
    // A refused body is read to its end (and dropped) before answering, so that a client that is
    // still sending reads our Status instead of a broken pipe; past a hard cap it is cut off.
    if (apiError.code === 413) await drain(req, 8 * MAX_BODY_BYTES);
    reply.code(apiError.code).header('Content-Type', 'application/json').send(JSON.stringify(apiError.toStatus()));
  });
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).header('Content-Type', 'application/json').send(JSON.stringify(errors.pathNotFound().toStatus()));
  });

  if (opts.tokens) {
    const tokens = opts.tokens;
    app.addHook('onRequest', async (req) => {
      if (PUBLIC_PATHS.has(req.url.split('?')[0]!)) return;
      if (!tokens.authenticate(req.headers.authorization)) throw errors.unauthorized();
    });
  }

  // Metrics for every request but the scrape itself: verb and resource as RequestInfo sees them.
  app.addHook('onResponse', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path === '/metrics') return;
    const info = parseResourcePath(req.method, req.url, req.query as Record<string, string | undefined>);
    const labels = {
      verb: info?.verb.toUpperCase() ?? req.method,
      group: info?.group ?? '',
      version: info?.version ?? '',
      resource: info?.resource ?? '',
      subresource: info?.subresource ?? '',
    };
    metrics.requests.inc({ ...labels, code: String(reply.statusCode) });
    metrics.latency.observe(labels, reply.elapsedTime / 1000);
  });

  // ---- operations
  const ok = (_req: FastifyRequest, reply: FastifyReply) => void reply.type('text/plain').send('ok');
  app.get('/healthz', ok);
  app.get('/livez', ok);
  app.get('/readyz', async (_req, reply) => {
    try {
      await etcd.kv.range('/registry/health', { serializable: false, countOnly: true, timeoutMs: 2_000 });
      return reply.type('text/plain').send('ok');
    } catch (err) {
      return reply.code(503).type('text/plain').send(`[-]etcd failed: ${err instanceof Error ? err.message : String(err)}\nreadyz check failed`);
    }
  });
  app.get('/version', async () => versionInfo());
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  // ---- discovery
  const discovery = (core: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const aggregated = wantsAggregated(req.headers.accept);
    if (aggregated) {
      return reply.header('Content-Type', aggregatedContentType(aggregated)).header('Vary', 'Accept').send(Buffer.from(JSON.stringify(aggregatedDiscovery(strategies, core, aggregated))));
    }
    const doc = core ? apiVersions(opts.advertiseAddress ?? req.headers.host ?? '127.0.0.1') : apiGroupList(strategies);
    return reply.header('Content-Type', 'application/json').header('Vary', 'Accept').send(JSON.stringify(doc));
  };
  app.get('/api', discovery(true));
  app.get('/apis', discovery(false));

  await app.register(openapiRoutes(strategies, schemas));

  // ---- resources (and the per-group discovery documents that share their URL space)
  const resourceRoute = async (req: FastifyRequest, reply: FastifyReply) => {
    const query = req.query as Record<string, string | undefined>;
    const path = req.url.split('?')[0]!;
    const parts = path.split('/').filter((p) => p !== '');
    if (req.method === 'GET') {
      if (parts[0] === 'api' && parts.length === 2) return sendJson(reply, apiResourceList(strategies, '', parts[1]!));
      if (parts[0] === 'apis' && parts.length === 2) return sendJson(reply, apiGroupDocument(strategies, parts[1]!));
      if (parts[0] === 'apis' && parts.length === 3) return sendJson(reply, apiResourceList(strategies, parts[1]!, parts[2]!));
    }
    const info = parseResourcePath(req.method, path, query);
    if (!info) throw errors.pathNotFound();
    await handleResource(deps, info, req, reply);
  };
  for (const prefix of ['/api/*', '/apis/*']) {
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: prefix, handler: resourceRoute });
  }

  await app.ready();
  void ensureSystemNamespaces(registry, opts.logger);

  return {
    listen: (host, port) => app.listen({ host, port }),
    etcd,
    metrics,
    async close() {
      for (const c of caches.values()) c.stop();
      await app.close();
      etcd.close();
    },
  };
}

/** Reads and discards the rest of a request body, up to `cap` bytes (then the connection is dropped). */
function drain(req: FastifyRequest, cap: number): Promise<void> {
  const raw = req.raw;
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    raw.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > cap) {
        raw.destroy();
        resolve();
      }
    });
    raw.once('end', () => resolve());
    raw.once('error', () => resolve());
    raw.once('close', () => resolve());
    raw.resume();
  });
}

function sendJson(reply: FastifyReply, doc: object | undefined): void {
  if (!doc) throw errors.pathNotFound();
  reply.header('Content-Type', 'application/json').send(JSON.stringify(doc));
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errors.tooLarge(MAX_BODY_BYTES);
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return errors.badRequest(e.message ?? 'bad request');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return new ApiError(e.statusCode, 'BadRequest', e.message ?? 'bad request');
  // The store is down or has no leader: the client should retry, not treat it as our bug.
  if (err instanceof UnavailableError) return errors.unavailable(`the store is unavailable: ${e.message}`);
  if (err instanceof DeadlineExceededError) return errors.timeout(`the store did not answer in time: ${e.message}`);
  return errors.internal(e.message ?? String(err));
}

export function versionInfo(): Record<string, string> {
  const [major, minor] = KUBERNETES_VERSION.replace(/^v/, '').split('.');
  return {
    major: major!,
    minor: minor!,
    gitVersion: `${KUBERNETES_VERSION}+kube-lite`,
    gitCommit: 'kube-lite',
    gitTreeState: 'clean',
    buildDate: '2026-11-25T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
