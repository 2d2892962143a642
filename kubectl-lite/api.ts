// The HTTP side of kubectl-lite. client/rest.ts always asks for plain JSON, but kubectl needs to
// choose the Accept header per request (Table for `get`, aggregated discovery for /api and /apis)
// and to see the status of every answer, so this is a small transport of its own over the same
// RestConfig that client/kubeconfig.ts produces.

import * as http from 'node:http';
import * as https from 'node:https';
import type { RestConfig } from '../client/rest.js';
import { statusError } from '../client/rest.js';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  /** 0 = none (watches). */
  timeoutMs?: number;
}

export class Api {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;

  constructor(readonly config: RestConfig) {
    this.base = new URL(config.server);
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ca: config.ca, cert: config.cert, key: config.key, rejectUnauthorized: !config.insecureSkipTlsVerify, servername: config.tlsServerName })
        : new http.Agent({ keepAlive: true });
    this.headers = { 'User-Agent': 'kubectl-lite/v1.32.0' };
    if (config.token) this.headers['Authorization'] = `Bearer ${config.token}`;
    else if (config.username !== undefined) this.headers['Authorization'] = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`;
  }

  /** A JSON request; non-2xx answers throw ApiStatusError (with the server's Status when it sent one). */
  async call<R>(method: string, path: string, options: CallOptions = {}): Promise<R> {
    const res = await this.send(method, path, options);
    const text = await readAll(res);
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw statusError(code, text);
    return (text ? JSON.parse(text) : undefined) as R;
  }

  /** A GET whose answer is JSON lines (a watch), yielded one parsed line at a time. */
  async *stream(path: string, options: CallOptions = {}): AsyncGenerator<unknown> {
    const res = await this.send('GET', path, { ...options, timeoutMs: 0 });
    if (res.statusCode !== 200) throw statusError(res.statusCode ?? 0, await readAll(res));
    res.setEncoding('utf8');
    let buf = '';
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) yield JSON.parse(line) as unknown;
        }
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    } finally {
      res.destroy();
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, o: CallOptions): Promise<http.IncomingMessage> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...this.headers, Accept: o.accept ?? 'application/json' };
    let payload: Buffer | undefined;
    if (o.body !== undefined) {
      payload = Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
      headers['Content-Type'] = o.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const lib = url.protocol === 'https:' ? https : http;
    const timeoutMs = o.timeoutMs ?? this.config.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const req = lib.request(url, { method, headers, agent: this.agent, signal: o.signal }, resolve);
      req.on('error', reject);
      if (timeoutMs > 0) req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`${method} ${url.pathname}: no answer in ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.end(payload);
    });
  }
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res as AsyncIterable<string>) text += chunk;
  return text;
}
