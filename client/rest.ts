// The HTTP side of the client: one keep-alive connection pool per apiserver, Kubernetes' URL layout,
// JSON bodies, Status errors as ApiStatusError, and watch streams as async iterables of events.
//
//   const http = new RestTransport({ server: 'http://127.0.0.1:6443' });
//   const pods = new RestResourceClient<V1Pod>(http, RESOURCES.pods);
//   const list = await pods.list('default', { labelSelector: 'app=web', limit: 500 });
//   for await (const ev of pods.watch('default', { resourceVersion: list.metadata.resourceVersion })) ...
//
// A request that could not reach the apiserver at all (connection refused, DNS not ready) is
// retried with backoff and jitter until `connectRetryMs` runs out: components start before the
// apiserver and must simply wait for it. A request that did reach it is never retried here,
// because a POST or PATCH may have been applied before the connection broke.

import * as http from 'node:http';
import * as https from 'node:https';
import { Backoff, sleep } from './backoff.js';
import { ApiStatusError, type DeleteOptions, type KubeObject, type PatchType, type ResourceClient, type ResourceRef } from './types.js';

/** How to reach and authenticate to an apiserver (what a kubeconfig boils down to). */
export interface RestConfig {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  /** The kubeconfig context's namespace, if any. */
  namespace?: string;
  token?: string;
  username?: string;
  password?: string;
  /** PEM: the CA that signed the server's certificate. */
  ca?: string | Buffer;
  /** PEM: a client certificate and its key. */
  cert?: string | Buffer;
  key?: string | Buffer;
  insecureSkipTlsVerify?: boolean;
  /** The name to check the server certificate against, when it differs from the URL's host. */
  tlsServerName?: string;
  userAgent?: string;
  /** Per-request timeout for everything but watches (default 30 s). */
  timeoutMs?: number;
  /** How long a request keeps retrying while the apiserver cannot be reached (default 30 s; 0 = fail at once). */
  connectRetryMs?: number;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  limit?: number;
  continue?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long (client-go picks 5-10 minutes at random). */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface ObjectList<T extends KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One line of a watch stream. For ERROR, `object` is a Status. */
export interface WatchEvent<T extends KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Overrides the Accept header (default application/json), e.g. to ask for a Table. */
  accept?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Network errors that prove the request never reached a server, so retrying any verb is safe. */
const UNREACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isUnreachable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && UNREACHED.has((err as { code?: string }).code ?? '');
}

/** One apiserver: the connection pool and the request primitives every resource client shares. */
export class RestTransport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;

  constructor(readonly config: RestConfig) {
    this.base = new URL(config.server);
    if (this.base.protocol === 'https:') {
      this.agent = new https.Agent({
        keepAlive: true,
        ca: config.ca,
        cert: config.cert,
        key: config.key,
        rejectUnauthorized: !config.insecureSkipTlsVerify,
        servername: config.tlsServerName,
      });
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
    this.headers = { Accept: 'application/json', 'User-Agent': config.userAgent ?? 'kube-lite-client' };
    if (config.token) this.headers['Authorization'] = `Bearer ${config.token}`;
    else if (config.username !== undefined) this.headers['Authorization'] = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;
  }

  /** A request with a JSON answer; non-2xx answers throw ApiStatusError. */
  async request<R>(method: string, path: string, options: RequestOptions = {}): Promise<R> {
    const res = await this.withConnectRetry(options.signal, () => this.send(method, path, options));
    const text = await readBody(res, options.signal);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw statusError(status, text);
    return (text ? JSON.parse(text) : undefined) as R;
  }

  /**
   * GET whose answer is a stream of JSON lines (a watch). Ends when the server ends it or the signal
   * aborts. `timeoutMs` is an idle timeout: a peer that vanished without a FIN (a partition, a
   * frozen machine) would otherwise leave the stream silent forever.
   */
  async *streamLines(path: string, options: RequestOptions = {}): AsyncGenerator<unknown> {
    const res = await this.withConnectRetry(options.signal, () => this.send('GET', path, options));
    const status = res.statusCode ?? 0;
    if (status !== 200) throw statusError(status, await readBody(res, options.signal));
    let buffered = '';
    res.setEncoding('utf8');
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) yield JSON.parse(line) as unknown;
        }
      }
    } catch (err) {
      // An abort is how the caller ends a watch: not an error.
      if (options.signal?.aborted) return;
      throw err;
    } finally {
      res.destroy();
    }
    if (buffered.trim()) yield JSON.parse(buffered) as unknown;
  }

  /** Waits until /readyz answers 200 (or the signal aborts): for components that want to log once. */
  async waitReady(signal?: AbortSignal): Promise<void> {
    const backoff = new Backoff({ initialMs: 200, maxMs: 5_000 });
    while (!signal?.aborted) {
      try {
        await this.request('GET', '/readyz', { signal, timeoutMs: 5_000 });
        return;
      } catch {
        await sleep(backoff.next(), signal);
      }
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private async withConnectRetry(signal: AbortSignal | undefined, attempt: () => Promise<http.IncomingMessage>): Promise<http.IncomingMessage> {
    const deadline = Date.now() + (this.config.connectRetryMs ?? 30_000);
    const backoff = new Backoff({ initialMs: 100, maxMs: 2_000 });
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        const stale = (err as { staleSocket?: boolean }).staleSocket === true;
        if ((!isUnreachable(err) && !stale) || signal?.aborted) throw err;
        const wait = backoff.next();
        if (Date.now() + wait > deadline) throw err;
        await sleep(wait, signal);
      }
    }
  }

  private send(method: string, path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers = { ...this.headers };
    if (options.accept) headers['Accept'] = options.accept;
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload = Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const lib = url.protocol === 'https:' ? https : http;
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError());
      const req = lib.request(url, { method, headers, agent: this.agent, signal: options.signal }, resolve);
      // A kept-alive socket the server closed while idle fails at once with ECONNRESET: such a GET
      // never reached the server and may be sent again (the pattern Node's http docs give).
      req.on('error', (err) => reject(req.reusedSocket && method === 'GET' && (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? Object.assign(err, { staleSocket: true }) : err));
      // A socket idle timeout: it covers waiting for the headers, then every gap in the body.
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`${method} ${url.pathname}: silent for ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      }
      req.end(payload);
    });
  }
}

function abortError(): Error {
  return Object.assign(new Error('request aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

async function readBody(res: http.IncomingMessage, signal?: AbortSignal): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  try {
    for await (const chunk of res as AsyncIterable<string>) text += chunk;
  } catch (err) {
    if (signal?.aborted) throw abortError();
    throw err;
  }
  return text;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The ApiStatusError for a failed answer: its Status when it sent one, else one built from the code. */
export function statusError(code: number, body: string): ApiStatusError {
  try {
    const s = JSON.parse(body) as { kind?: string; code?: number; reason?: string; message?: string };
    if (s && s.kind === 'Status') return new ApiStatusError(s.code ?? code, s.reason ?? REASONS[code] ?? 'Unknown', s.message ?? body, s);
  } catch {
    /* not JSON */
  }
  return new ApiStatusError(code, REASONS[code] ?? 'Unknown', body.trim() || `the server answered ${code}`);
}

/** The URL path of a resource's collection: /api/v1/namespaces/ns/pods, /apis/apps/v1/deployments. */
export function collectionPath(r: ResourceRef, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${base}/${r.plural}`;
}

export function objectPath(r: ResourceRef, namespace: string | undefined, name: string, subresource?: string): string {
  if (!name) throw new Error(`${r.plural}: a name is required`);
  return `${collectionPath(r, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** ResourceClient over HTTP, plus list and watch (what a reflector needs). */
export class RestResourceClient<T extends KubeObject> implements ResourceClient<T> {
  constructor(
    private readonly http: RestTransport,
    readonly resource: ResourceRef,
  ) {}

  get(namespace: string | undefined, name: string): Promise<T> {
    return this.http.request<T>('GET', objectPath(this.resource, namespace, name));
  }

  create(namespace: string | undefined, obj: T): Promise<T> {
    const ns = namespace ?? obj.metadata.namespace;
    return this.http.request<T>('POST', collectionPath(this.resource, ns), { body: this.withTypeMeta(obj) });
  }

  update(obj: T): Promise<T> {
    return this.http.request<T>('PUT', objectPath(this.resource, obj.metadata.namespace, obj.metadata.name ?? ''), { body: this.withTypeMeta(obj) });
  }

  updateStatus(obj: T): Promise<T> {
    return this.http.request<T>('PUT', objectPath(this.resource, obj.metadata.namespace, obj.metadata.name ?? '', 'status'), { body: this.withTypeMeta(obj) });
  }

  patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, options: { subresource?: string; fieldManager?: string; force?: boolean } = {}): Promise<T> {
    return this.http.request<T>('PATCH', objectPath(this.resource, namespace, name, options.subresource), {
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      query: { fieldManager: options.fieldManager, force: options.force },
    });
  }

  async delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<void> {
    const hasOptions = Object.keys(options).length > 0;
    await this.http.request<unknown>('DELETE', objectPath(this.resource, namespace, name), {
      body: hasOptions ? { apiVersion: 'v1', kind: 'DeleteOptions', ...options } : undefined,
    });
  }

  createSubresource(namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown> {
    return this.http.request<unknown>('POST', objectPath(this.resource, namespace, name, subresource), { body });
  }

  /** One page of a list (all namespaces when namespace is undefined). */
  list(namespace?: string, options: ListOptions = {}, signal?: AbortSignal): Promise<ObjectList<T>> {
    return this.http.request<ObjectList<T>>('GET', collectionPath(this.resource, namespace), { query: { ...options }, signal });
  }

  /** A watch stream; ends when the server closes it. An HTTP error (e.g. 410) throws ApiStatusError. */
  async *watch(namespace?: string, options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const { signal, ...query } = options;
    // The server ends the watch at timeoutSeconds and sends bookmarks meanwhile; silence well past
    // that means the connection is dead.
    const idleTimeoutMs = ((options.timeoutSeconds ?? 1800) + 60) * 1000;
    for await (const line of this.http.streamLines(collectionPath(this.resource, namespace), { query: { watch: 1, ...query }, signal, timeoutMs: idleTimeoutMs })) {
      yield line as WatchEvent<T>;
    }
  }

  private withTypeMeta(obj: T): T {
    const apiVersion = this.resource.group ? `${this.resource.group}/${this.resource.version}` : this.resource.version;
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? this.resource.kind };
  }
}
