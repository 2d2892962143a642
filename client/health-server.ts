// The small HTTP server every component process runs beside its real work: /healthz, /livez and
// /readyz for supervisors (the launcher, a test, a person with curl) and /metrics for Prometheus.
// The apiserver and the store have their own; controller-manager, scheduler and kubelet-lite share this.

import { createServer, type Server } from 'node:http';

export interface MetricsSource {
  /** The exposition text. */
  metrics(): Promise<string> | string;
  contentType: string;
}

export interface HealthServerOptions {
  port: number;
  bindAddress?: string;
  metrics: MetricsSource;
}

/** Starts serving; resolves once listening (rejects if the port is taken). port 0 = no server. */
export async function startHealthServer(opts: HealthServerOptions): Promise<Server | undefined> {
  if (opts.port <= 0) return undefined;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (path === '/metrics') {
      Promise.resolve(opts.metrics.metrics()).then(
        (text) => res.writeHead(200, { 'content-type': opts.metrics.contentType }).end(text),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress ?? '127.0.0.1', () => resolve());
  });
  return server;
}
