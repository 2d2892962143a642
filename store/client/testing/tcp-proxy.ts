// A TCP proxy between a client under test and etcd, so a test can break the client's
// connection at a moment of its choosing while etcd itself keeps running (and keeps taking
// writes from another client). That is how resumption "without gap or duplicate" is tested
// deterministically.

import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * forward: pass bytes both ways.
 * refuse: accept and close at once (the client sees its connection attempts fail).
 * blackhole: accept and never answer; open connections stop carrying bytes too, so a
 *   request already written to an established connection is silently lost (the client's
 *   calls hang until their deadline or until the connection is broken).
 */
export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

export class TcpProxy {
  mode: ProxyMode = 'forward';
  /** Connections accepted so far (in any mode): lets a test check that the client reconnected. */
  accepted = 0;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    return new Promise((resolve, reject) => {
      let proxy: TcpProxy;
      const server = createServer((client) => {
        proxy.accepted++;
        proxy.track(client);
        if (proxy.mode === 'refuse') {
          client.destroy();
          return;
        }
        if (proxy.mode === 'blackhole') {
          client.on('error', () => undefined);
          return;
        }
        const upstream = connect(targetPort, targetHost);
        proxy.track(upstream);
        // Not pipe(): the mode is checked per chunk so a switch to blackhole affects open connections.
        client.on('data', (chunk) => proxy.mode === 'forward' && upstream.write(chunk));
        upstream.on('data', (chunk) => proxy.mode === 'forward' && client.write(chunk));
        const close = (): void => {
          client.destroy();
          upstream.destroy();
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        proxy = new TcpProxy(server, typeof addr === 'object' && addr ? addr.port : 0);
        resolve(proxy);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  /** Drops every open connection (both sides), as a network failure would. */
  breakConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  close(): Promise<void> {
    this.breakConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
