#!/usr/bin/env node
// store-server: one member of an etcd v3 compatible store. Flags are etcd's (see flags.ts).
//
//   store-server --name s1 --data-dir /tmp/s1 \
//     --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
//     --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
//     --initial-cluster s1=http://127.0.0.1:2380
//
//   store-server snapshot restore FILE --name s1 --data-dir /tmp/s1 --initial-cluster ... (see restore-cli.ts)

import type * as http from 'node:http';
import { pino } from 'pino';
import { ETCD_CLUSTER_VERSION, ETCD_VERSION, type ServiceContext } from './grpc/context.js';
import { startClientServer, type ClientServer } from './client-server.js';
import { parseAutoCompaction } from './auto-compaction.js';
import { FlagError, parseFlags, usage } from './flags.js';
import { createGateway } from './gateway/index.js';
import { Member } from './member.js';
import { createMetrics } from './metrics.js';
import { runSnapshotCommand } from './restore-cli.js';
import { PeerTransport } from './transport/index.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // A subcommand comes before any flag (etcdutl's `snapshot restore`); otherwise this is a server.
  if (argv[0] === 'snapshot') {
    process.exitCode = await runSnapshotCommand(argv.slice(1));
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`store-server (kube-lite)\netcd API compatible version: ${ETCD_VERSION}\n`);
    return;
  }
  let flags;
  try {
    flags = parseFlags(argv, process.env);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`store-server: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = pino({ level: flags.logLevel, base: { member: flags.name } });

  const member = new Member(
    {
      name: flags.name,
      dataDir: flags.dataDir,
      advertisePeerUrls: flags.initialAdvertisePeerUrls,
      advertiseClientUrls: flags.advertiseClientUrls,
      initialCluster: flags.initialCluster,
      initialClusterState: flags.initialClusterState,
      initialClusterToken: flags.initialClusterToken,
      heartbeatMs: flags.heartbeatInterval,
      electionMs: flags.electionTimeout,
      snapshotCount: flags.snapshotCount,
      requestTimeoutMs: Math.max(5000, 5 * flags.electionTimeout),
      // etcd's default quota: 2 GiB.
      quotaBytes: flags.quotaBackendBytes || 2 * 1024 * 1024 * 1024,
      snapshotCatchUpEntries: flags.experimentalSnapshotCatchupEntries,
      autoCompaction: parseAutoCompaction(flags.autoCompactionMode, flags.autoCompactionRetention),
      strictReconfigCheck: flags.strictReconfigCheck,
    },
    logger,
  );

  let transport: PeerTransport | undefined;
  let clientServer: ClientServer | undefined;
  let stopping = false;
  const fatal = (err: unknown) => {
    logger.fatal({ err }, 'fatal error: stopping so that nothing unsafe is acknowledged');
    process.exit(1);
  };

  await member.open(({ raftId, clusterId }) => {
    transport = new PeerTransport({
      localId: raftId,
      clusterId: clusterId.toString(),
      listenUrl: flags.listenPeerUrls[0]!,
      logger: logger.child({ component: 'peer' }),
      onMessages: (msgs) => member.receive(msgs),
      onUnreachable: (id) => member.node?.reportUnreachable(id),
      onSnapshotStatus: (id, status) => member.node?.reportSnapshot(id, status),
      // A peer refused us with 410: we were removed while not hearing of it through the log.
      onRemoved: () => member.learnRemoved(),
      membersInfo: () => member.membersInfo(),
    });
    return transport;
  }, fatal);
  await transport!.start();

  const metrics = createMetrics(member, transport!);
  const ctx: ServiceContext = {
    member,
    maxTxnOps: flags.maxTxnOps,
    maxRequestBytes: flags.maxRequestBytes,
    logger,
    progressNotifyMs: 10 * 60 * 1000,
  };
  // etcd's HTTP/JSON gateway (/v3/kv/range, /v3/watch, ...) on the same port.
  const gateway = createGateway(ctx);
  const httpHandler: http.RequestListener = (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' || path === '/livez' || path === '/readyz') {
      const ok = member.node.softState.lead !== 0 && !stopping;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ health: ok ? 'true' : 'false', reason: ok ? '' : stopping ? 'server is stopping' : 'RAFT NO LEADER' }));
    } else if (path === '/version') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ etcdserver: ETCD_VERSION, etcdcluster: ETCD_CLUSTER_VERSION }));
    } else if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(body);
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
    } else if (!gateway(req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found\n');
    }
  };
  try {
    clientServer = await startClientServer(ctx, flags.listenClientUrls, httpHandler);
  } catch (e) {
    logger.fatal({ err: e, urls: flags.listenClientUrls }, 'cannot listen for clients');
    process.stderr.write(`store-server: cannot listen on ${flags.listenClientUrls.join(',')}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  member.start();
  logger.info({ memberId: member.memberId.toString(16), clusterId: member.clusterId.toString(16), client: flags.listenClientUrls, peer: flags.listenPeerUrls }, 'store-server is serving');

  const shutdown = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await member.transferLeadershipAway(Math.max(1000, 2 * flags.electionTimeout));
      await clientServer?.close();
      gateway.close();
      await member.stop();
      await transport?.stop();
      logger.info({}, 'stopped');
      logger.flush();
      process.exit(exitCode);
    } catch (err) {
      logger.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  // etcd's words and behaviour: after a short delay (so the answer to the removal and the last
  // appends still go out) the member stops, and exits 0 like etcd 3.4 does.
  member.onRemoved = () => {
    logger.error({}, 'the member has been permanently removed from the cluster');
    logger.info({}, 'the data-dir used by this member must be removed.');
    process.stderr.write('store-server: the member has been permanently removed from the cluster\n');
    setTimeout(() => void shutdown('removed from the cluster'), 1000);
  };
  if (member.removed) member.onRemoved();
  process.on('SIGTERM', () => {
    process.stderr.write('store-server: SIGTERM received\n');
    void shutdown('SIGTERM');
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`store-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
