// A TCP proxy in front of one member's peer port that knows who is talking: each accepted
// connection is attributed to the member that dialled it (socket-owner.ts), and each of its two
// byte streams is a directed link, dialler → target and target → dialler. The network
// (network.ts) decides per directed link whether bytes flow, after what delay, or not at all.
//
// A cut link holds its bytes and stops reading from the sender, so TCP's flow control stalls it,
// as a real partition stalls a TCP stream (retransmissions that never get through); once healed,
// the held bytes are delivered in order. Delays keep order too. Resetting connections (an RST to
// both ends) is the "drop": the members must notice, dial again and resend.
//
// The existing store/server/transport/testing/tcp-proxy.ts is per path (blackhole both ways) and
// knows no sender; this one is per directed pair, which one-way partitions need.

import * as net from 'node:net';

export interface LinkPolicy {
  cut: boolean;
  delayMs: number;
}

export interface LinkPolicySource {
  policy(from: string, to: string): LinkPolicy;
  /** pid → member name of the members running now. */
  memberPids(): ReadonlyMap<number, string>;
  identify(dialerPort: number, listenerPort: number, pids: ReadonlyMap<number, string>): string | undefined;
}

const now = (): number => performance.now();

/** One direction of one connection. */
class Pipe {
  private readonly held: { chunk: Buffer; at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly src: net.Socket,
    private readonly dst: net.Socket,
    readonly from: string,
    readonly to: string,
    private readonly net: LinkPolicySource,
  ) {
    src.on('data', (chunk: Buffer) => {
      this.held.push({ chunk, at: now() });
      this.pump();
    });
  }

  /** Delivers what the link's policy lets through now; called on data and on policy changes. */
  pump(): void {
    if (this.timer) return;
    while (this.held.length > 0) {
      if (this.dst.destroyed) return;
      const p = this.net.policy(this.from, this.to);
      if (p.cut) {
        this.src.pause();
        return;
      }
      const wait = this.held[0]!.at + p.delayMs - now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.dst.write(this.held.shift()!.chunk);
    }
    this.src.resume();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held.length = 0;
  }
}

interface Connection {
  from: string;
  client: net.Socket;
  upstream: net.Socket;
  pipes: Pipe[];
}

export class LinkProxy {
  private server: net.Server | undefined;
  private readonly conns = new Set<Connection>();
  /** Connections closed because no member could be named as their dialler. */
  unidentified = 0;

  constructor(
    /** The member behind this proxy. */
    readonly target: string,
    private readonly targetPort: number,
    private readonly net: LinkPolicySource,
  ) {}

  async start(): Promise<string> {
    const server = net.createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const addr = this.server?.address() as net.AddressInfo | undefined;
    if (!addr) throw new Error('proxy not started');
    return `http://127.0.0.1:${addr.port}`;
  }

  /** A policy changed: let every pipe deliver what it now may. */
  kick(): void {
    for (const c of this.conns) for (const p of c.pipes) p.pump();
  }

  /** RST every connection from `from` (any member if undefined) to this proxy's member. */
  reset(from?: string): number {
    let n = 0;
    for (const c of [...this.conns]) {
      if (from !== undefined && c.from !== from) continue;
      this.destroy(c);
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    this.reset();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    client.on('error', () => {});
    const from = this.net.identify(client.remotePort ?? 0, client.localPort ?? 0, this.net.memberPids());
    if (from === undefined) {
      // Better no connection than one that escapes the partitions: the member dials again.
      this.unidentified++;
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    upstream.on('error', () => {});
    const c: Connection = { from, client, upstream, pipes: [] };
    c.pipes.push(new Pipe(client, upstream, from, this.target, this.net), new Pipe(upstream, client, this.target, from, this.net));
    this.conns.add(c);
    const onClose = (): void => this.destroy(c);
    client.on('close', onClose);
    upstream.on('close', onClose);
  }

  private destroy(c: Connection): void {
    if (!this.conns.delete(c)) return;
    for (const p of c.pipes) p.stop();
    for (const s of [c.client, c.upstream]) {
      if (s.destroyed) continue;
      if (!s.connecting) s.resetAndDestroy();
      else s.destroy();
    }
  }
}
