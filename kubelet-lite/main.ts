#!/usr/bin/env node
// kubelet-lite: simulated nodes, many per process (see HELP in flags.ts for every flag).
//
//   kubelet-lite --server http://127.0.0.1:6443 --nodes 3
//   kill -USR1 <pid>     the first healthy node stops heartbeating (the node controller notices)
//   kill -USR2 <pid>     every failed node recovers
//
// /healthz answers "ok" while the process runs; /metrics gives per-node gauges and counters.

import { randomUUID } from 'node:crypto';
import { clientConfigFromArgs, createClientSet, FlagError, stderrLogger } from '../client/index.js';
import { startHealthServer } from '../client/health-server.js';
import { HELP, parseFlags } from './flags.js';
import { Kubelet } from './kubelet.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let cli;
  let config;
  try {
    const parsed = clientConfigFromArgs(argv);
    config = parsed.config;
    cli = parseFlags(parsed.rest);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`kubelet-lite: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = stderrLogger('kubelet-lite');
  const cs = createClientSet(config, { log });
  const kubelet = new Kubelet(cs, { ...cli.kubelet, bootID: randomUUID() }, { clock: { now: () => Date.now() }, log: (m) => log.info(m) });

  const server = await startHealthServer({ port: cli.port, metrics: { metrics: () => kubelet.metrics(), contentType: 'text/plain; version=0.0.4' } });
  if (server) log.info(`serving /healthz and /metrics on 127.0.0.1:${cli.port}`);

  process.on('SIGUSR1', () => {
    const n = kubelet.failNext();
    log.info(n ? `SIGUSR1: ${n.name} stops heartbeating` : 'SIGUSR1: every node has already failed');
  });
  process.on('SIGUSR2', () => {
    const nodes = kubelet.recoverAll();
    log.info(`SIGUSR2: recovered ${nodes.map((n) => n.name).join(', ') || 'nothing'}`);
  });
  if (cli.failAfterMs !== undefined) {
    setTimeout(() => {
      const n = kubelet.failNext();
      if (n) log.info(`--fail-after: ${n.name} stops heartbeating`);
      if (n && cli.recoverAfterMs !== undefined) setTimeout(() => n.recover(), cli.recoverAfterMs).unref();
    }, cli.failAfterMs).unref();
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    kubelet.stop();
    cs.stop();
    server?.close();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  await kubelet.start();
  log.info(`running ${kubelet.nodes.map((n) => n.name).join(', ')}`);
  // Keep the process alive: every timer of the nodes is unref'd.
  setInterval(() => undefined, 1 << 30);
}

main().catch((e: unknown) => {
  process.stderr.write(`kubelet-lite: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
