#!/usr/bin/env node
// scheduler: assigns pending pods to nodes (see HELP in flags.ts for every flag).
//
//   scheduler --server http://127.0.0.1:6443
//   scheduler --kubeconfig .cluster/kubeconfig --leader-elect=false --port 0
//
// Like kube-scheduler, its informers sync before the election so that a new leader starts warm;
// it schedules only while it holds the kube-system/kube-scheduler Lease and exits (status 1) when
// it loses it, since its cache may then disagree with the new leader's decisions. SIGTERM releases
// the Lease and exits 0.

import { pino } from 'pino';
import { clientConfigFromArgs, createClientSet, FlagError, type Logger } from '../client/index.js';
import { runLeaderElected } from '../client/leader-election-flags.js';
import { startHealthServer } from '../client/health-server.js';
import { HELP, parseSchedulerFlags } from './flags.js';
import { schedulerMetrics } from './metrics.js';
import { createScheduler } from './scheduler.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let config;
  let flags;
  try {
    const parsed = clientConfigFromArgs(argv);
    config = parsed.config;
    flags = parseSchedulerFlags(parsed.rest);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`scheduler: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }

  const logger = pino({ level: flags.logLevel, base: { component: 'scheduler' } });
  const clientLog: Logger = { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) };
  const cs = createClientSet(config, { log: clientLog });
  const scheduler = createScheduler(cs, {
    flushIntervalMs: flags.podMaxInUnschedulableMs,
    initialBackoffMs: flags.podInitialBackoffMs,
    maxBackoffMs: flags.podMaxBackoffMs,
    logger,
  });
  cs.start();

  let leading = !flags.leaderElect;
  const server = await startHealthServer({ port: flags.port, bindAddress: flags.bindAddress, metrics: schedulerMetrics(() => scheduler.stats(), () => leading) });
  if (server) logger.info({ address: `${flags.bindAddress}:${flags.port}` }, 'serving /healthz and /metrics');

  const shutdown = new AbortController();
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    shutdown.abort();
    // Running bindings and the Lease release get a moment; then we go regardless.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  await runLeaderElected({
    cs,
    flags,
    log: clientLog,
    shutdown: shutdown.signal,
    onLeading: (now) => (leading = now),
    announce: (identity, lease) => logger.info({ identity, lease }, 'campaigning for the scheduler lease'),
    lead: async (signal) => {
      logger.info('starting to schedule');
      await scheduler.run(signal);
    },
  });

  cs.stop();
  server?.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`scheduler: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
