#!/usr/bin/env node
// controller-manager: runs the reconcile loops (see HELP in flags.ts).
//
//   controller-manager --server http://127.0.0.1:6443
//   controller-manager --kubeconfig .cluster/kubeconfig --controllers=*,-nodelifecycle
//
// Each controller gets its own work queue and workers; all share one informer per resource. Like
// kube-controller-manager it runs only while it holds the kube-system/kube-controller-manager Lease
// and exits (status 1) when it loses it: its caches and expectations may disagree with the new
// leader's writes, and a restart is the simple way to start clean. SIGTERM releases the Lease.

import { pino } from 'pino';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import {
  clientConfigFromArgs,
  createClientSet,
  createWorkQueue,
  FlagError,
  runWorkers,
  type ClientSet,
  type Logger,
  type RestClientSet,
  type WorkQueue,
} from '../client/index.js';
import { startHealthServer } from '../client/health-server.js';
import { runLeaderElected } from '../client/leader-election-flags.js';
import type { Controller } from './common/controller.js';
import { createDaemonSetController } from './daemonset/controller.js';
import { createDeploymentController } from './deployment/controller.js';
import { EndpointsController } from './endpoints/controller.js';
import { HELP, parseControllerManagerFlags, type ControllerManagerFlags, type ControllerName } from './flags.js';
import { GarbageCollector } from './garbagecollector/controller.js';
import { JobController } from './job/controller.js';
import { NamespaceController } from './namespace/controller.js';
import { NodeLifecycleController } from './nodelifecycle/controller.js';
import { createReplicaSetController } from './replicaset/controller.js';
import { createStatefulSetController } from './statefulset/controller.js';

/** Builds the controllers the flags turn on. */
function buildControllers(cs: RestClientSet, flags: ControllerManagerFlags): Controller[] {
  const make: Record<ControllerName, () => Controller> = {
    replicaset: () => createReplicaSetController(cs),
    deployment: () => createDeploymentController(cs),
    garbagecollector: () => new GarbageCollector(cs),
    namespace: () =>
      new NamespaceController(cs, {
        // The finalize subresource takes a PUT of the namespace with the finalizers left.
        finalize: async (name, finalizers) => {
          await cs.transport.request('PUT', `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`, {
            body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers } },
          });
        },
      }),
    nodelifecycle: () => new NodeLifecycleController(cs, { nodeMonitorGracePeriodMs: flags.nodeMonitorGracePeriodMs, defaultTolerationSeconds: flags.defaultTolerationSeconds }),
    endpoints: () => new EndpointsController(cs),
    job: () => new JobController(cs),
    daemonset: () => createDaemonSetController(cs),
    statefulset: () => createStatefulSetController(cs),
  };
  return flags.controllers.map((name) => make[name]());
}

/** Wires every controller to a queue; returns a function that runs their workers until the signal. */
function wire(cs: ClientSet, controllers: Controller[], metrics: { reconciles: Counter; depth: Gauge }): { run(signal: AbortSignal, workers: number, log: Logger): Promise<void> } {
  const queues = new Map<Controller, WorkQueue>();
  for (const c of controllers) {
    const queue = createWorkQueue({ name: c.name });
    queues.set(c, queue);
    c.register(cs, (key) => queue.add(key));
  }
  return {
    async run(signal, workers, log) {
      const stop = () => {
        for (const q of queues.values()) q.shutDown();
      };
      signal.addEventListener('abort', stop, { once: true });
      const depth = setInterval(() => {
        for (const [c, q] of queues) metrics.depth.set({ name: c.name }, q.len());
      }, 5_000);
      depth.unref();
      await Promise.all(
        controllers.map((c) =>
          runWorkers(queues.get(c)!, workers, async (key) => {
            try {
              const result = await c.reconcile(key);
              metrics.reconciles.inc({ controller: c.name, result: 'success' });
              return result ?? undefined;
            } catch (err) {
              metrics.reconciles.inc({ controller: c.name, result: 'error' });
              throw err;
            }
          }, log),
        ),
      );
      clearInterval(depth);
    },
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let config;
  let flags: ControllerManagerFlags;
  try {
    const parsed = clientConfigFromArgs(argv);
    config = parsed.config;
    flags = parseControllerManagerFlags(parsed.rest);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`controller-manager: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }

  const logger = pino({ level: flags.logLevel, base: { component: 'controller-manager' } });
  const log: Logger = { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) };
  const cs = createClientSet({ ...config, userAgent: 'kube-controller-manager/v1.32.0 (kube-lite)' }, { log });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const reconciles = new Counter({ name: 'controller_reconciles_total', help: 'Reconciles by controller and result.', labelNames: ['controller', 'result'], registers: [registry] });
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Keys waiting in each controller queue.', labelNames: ['name'], registers: [registry] });
  const leaderGauge = new Gauge({ name: 'leader_election_master_status', help: '1 while this process holds the lease.', labelNames: ['name'], registers: [registry] });

  const controllers = buildControllers(cs, flags);
  const loops = wire(cs, controllers, { reconciles, depth });
  // Informers start (and sync) before the election, so a new leader starts with warm caches.
  cs.start();

  const server = await startHealthServer({ port: flags.port, bindAddress: flags.bindAddress, metrics: registry });
  if (server) logger.info({ address: `${flags.bindAddress}:${flags.port}` }, 'serving /healthz and /metrics');

  const shutdown = new AbortController();
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    shutdown.abort();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  await runLeaderElected({
    cs,
    flags,
    log,
    shutdown: shutdown.signal,
    onLeading: (leading) => leaderGauge.set({ name: flags.leaseName }, leading ? 1 : 0),
    announce: (identity, lease) => logger.info({ identity, lease }, 'campaigning for the controller-manager lease'),
    lead: async (signal) => {
      await cs.waitForSync();
      logger.info({ controllers: controllers.map((c) => c.name) }, 'starting controllers');
      await loops.run(signal, flags.workers, log);
    },
  });
  cs.stop();
  server?.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`controller-manager: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
