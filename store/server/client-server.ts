// The client port: gRPC and plain HTTP/1.1 on the same socket, as etcd serves them.
//
// A connection that starts with the HTTP/2 preface ("PRI * HTTP/2.0") is gRPC: it is handed to
// grpc-js through its connection injector. Anything else is HTTP/1.1 (health, version, metrics,
// the JSON gateway) and goes to a node:http server. The first bytes are read, then put back with
// unshift() so the chosen server sees the connection from its first byte.
//
// gRPC connections reach grpc-js through an AuthorityFixingStream (h2-authority.ts): etcdctl 3.4
// sends `:authority: http://host:port` when given an endpoint URL, which nghttp2 would refuse.

import * as http from 'node:http';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { AuthorityFixingStream } from './h2-authority.js';
import { loadEtcdServices } from './proto/load.js';
import { clusterService } from './grpc/cluster-service.js';
import type { ServiceContext } from './grpc/context.js';
import { electionService } from './grpc/election-service.js';
import { kvService } from './grpc/kv-service.js';
import { LeaderForwarder } from './grpc/leader-forward.js';
import { guardLearner } from './grpc/learner-guard.js';
import { leaseService } from './grpc/lease-service.js';
import { lockService } from './grpc/lock-service.js';
import { maintenanceService } from './grpc/maintenance-service.js';
import { watchService } from './grpc/watch-service.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0');

export interface ClientServer {
  /** The bound addresses, e.g. for listen URLs with port 0. */
  addresses(): net.AddressInfo[];
  close(): Promise<void>;
}

export async function startClientServer(
  ctx: ServiceContext,
  listenUrls: readonly string[],
  httpHandler: http.RequestListener,
): Promise<ClientServer> {
  const services = loadEtcdServices();
  // Room for the largest request etcd accepts plus protobuf framing.
  const grpcServer = new grpc.Server({ 'grpc.max_receive_message_length': ctx.maxRequestBytes + 512 * 1024, 'grpc.max_send_message_length': -1 });
  const forwarder = new LeaderForwarder(ctx);
  const add = (def: object, impl: object) => grpcServer.addService(def as grpc.ServiceDefinition, impl as grpc.UntypedServiceImplementation);
  add(services.KV, guardLearner(ctx, 'KV', kvService(ctx)));
  add(services.Watch, guardLearner(ctx, 'Watch', watchService(ctx)));
  add(services.Lease, guardLearner(ctx, 'Lease', leaseService(ctx, forwarder)));
  add(services.Cluster, guardLearner(ctx, 'Cluster', clusterService(ctx, forwarder)));
  add(services.Maintenance, guardLearner(ctx, 'Maintenance', maintenanceService(ctx)));
  add(services.Lock, guardLearner(ctx, 'Lock', lockService(ctx)));
  add(services.Election, guardLearner(ctx, 'Election', electionService(ctx)));
  const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const http1 = http.createServer(httpHandler);
  http1.keepAliveTimeout = 30_000;

  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  for (const url of listenUrls) {
    const u = new URL(url);
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.once('data', (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        const isHttp2 = first.subarray(0, Math.min(first.length, PREFACE.length)).equals(PREFACE.subarray(0, Math.min(first.length, PREFACE.length)));
        // Both servers read the socket as a stream from here, starting with what was put back:
        // HTTP/2 through the :authority rewriter, which resumes it when nghttp2 starts reading;
        // HTTP/1.1 directly, so it must be resumed here.
        if (isHttp2) {
          injector.injectConnection(new AuthorityFixingStream(socket));
        } else {
          http1.emit('connection', socket);
          socket.resume();
        }
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(u.port || 2379), u.hostname.replace(/^\[|\]$/g, ''), () => {
        server.off('error', reject);
        resolve();
      });
    });
    servers.push(server);
  }

  return {
    addresses: () => servers.map((s) => s.address() as net.AddressInfo),
    close: async () => {
      forwarder.close();
      // Stop accepting at once; net.Server.close() only calls back once every connection is gone,
      // so wait for that last, after the connections were ended below.
      const listenersClosed = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      await new Promise<void>((resolve) => {
        // Let in-flight calls finish, but do not wait forever for long-lived watch streams.
        const timer = setTimeout(() => {
          grpcServer.forceShutdown();
          resolve();
        }, 2000);
        grpcServer.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      injector.destroy();
      http1.close();
      for (const s of sockets) s.destroy();
      await listenersClosed;
    },
  };
}
