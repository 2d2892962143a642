// A small TCP proxy for fault injection between two transports: the peer URL of the target is
// replaced by the proxy's, and the test breaks the path in the ways real networks do.
//
//   forward    bytes flow both ways (the healthy state)
//   blackhole  connections stay open but every byte is silently discarded, both ways, and a close
//              on one side is not passed on to the other: a partition or a dead host, where
//              nothing errors and only timeouts can tell
//   refuse     new connections are closed at once: a port with nothing behind it
//   dropConnections()  resets every open connection: a crashed middlebox or peer restart
//   armNext({ corruptAt, dropAfter })  for the next connection only: flip one byte at a
//              client→server offset, or reset it once that many client→server bytes passed

import * as net from 'node:net';

export type ProxyMode = 'forward' | 'blackhole' | 'refuse';

export interface ConnectionFault {
  /** Flip the byte at this client→server offset (XOR 0xff). */
  corruptAt?: number;
  /** Reset the connection once this many client→server bytes were forwarded. */
  dropAfter?: number;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** One side closed during a blackhole; the other was left hanging, as a partition would. */
  halfDead: boolean;
}

export class TcpProxy {
  private server: net.Server | undefined;
  private readonly pairs = new Set<Pair>();
  private mode: ProxyMode = 'forward';
  private armed: ConnectionFault | undefined;
  /** Connections accepted so far (refused ones included). */
  connections = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static toUrl(url: string): TcpProxy {
    const u = new URL(url);
    return new TcpProxy(u.hostname, Number(u.port));
  }

  async start(port = 0): Promise<string> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const addr = this.server?.address() as net.AddressInfo | undefined;
    if (!addr) throw new Error('proxy not started');
    return `http://127.0.0.1:${addr.port}`;
  }

  setMode(mode: ProxyMode): void {
    this.mode = mode;
    // Healing the path: the side still open learns now that its partner is gone (its next
    // packet would be answered with an RST).
    if (mode === 'forward') for (const p of this.pairs) if (p.halfDead) this.destroy(p);
  }

  dropConnections(): void {
    for (const p of this.pairs) this.destroy(p);
  }

  armNext(fault: ConnectionFault): void {
    this.armed = fault;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.dropConnections();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.connections++;
    client.on('error', () => {});
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const fault = this.armed;
    this.armed = undefined;
    const upstream = net.connect(this.targetPort, this.targetHost);
    upstream.on('error', () => {});
    const pair: Pair = { client, upstream, halfDead: false };
    this.pairs.add(pair);
    let sent = 0; // client→server bytes so far
    client.on('data', (chunk: Buffer) => {
      if (this.mode !== 'forward') return;
      if (fault?.corruptAt !== undefined && fault.corruptAt >= sent && fault.corruptAt < sent + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[fault.corruptAt - sent]! ^= 0xff;
      }
      if (fault?.dropAfter !== undefined && sent + chunk.length >= fault.dropAfter) {
        upstream.write(chunk.subarray(0, Math.max(0, fault.dropAfter - sent)));
        this.destroy(pair);
        return;
      }
      sent += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.mode === 'forward') client.write(chunk);
    });
    const onClose = (): void => {
      if (this.mode === 'blackhole' && !(client.destroyed && upstream.destroyed)) pair.halfDead = true;
      else this.destroy(pair);
    };
    client.on('close', onClose);
    upstream.on('close', onClose);
  }

  private destroy(p: Pair): void {
    if (!this.pairs.delete(p)) return;
    // resetAndDestroy sends an RST like a real network failure, instead of a polite FIN.
    resetOrDestroy(p.client);
    resetOrDestroy(p.upstream);
  }
}

function resetOrDestroy(s: net.Socket): void {
  if (s.destroyed) return;
  if (typeof s.resetAndDestroy === 'function' && !s.connecting) s.resetAndDestroy();
  else s.destroy();
}
