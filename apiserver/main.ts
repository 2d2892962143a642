#!/usr/bin/env node
// apiserver: a stateless Kubernetes REST API server in front of the store.
//
//   apiserver --store-endpoints http://127.0.0.1:2379 --port 6443
//   kubectl --server http://127.0.0.1:6443 get pods

import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { TokenAuthenticator } from './auth/token-file.js';
import { FlagError, parseFlags, USAGE } from './flags.js';
import { buildApiserver } from './server.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`apiserver: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = pino({ level: flags.logLevel, base: { component: 'apiserver' } });
  let tokens: TokenAuthenticator | undefined;
  try {
    tokens = flags.tokenAuthFile ? TokenAuthenticator.fromFile(flags.tokenAuthFile) : undefined;
  } catch (e) {
    process.stderr.write(`apiserver: --token-auth-file: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  try {
    tls = flags.tlsCertFile && flags.tlsPrivateKeyFile ? { cert: readFileSync(flags.tlsCertFile), key: readFileSync(flags.tlsPrivateKeyFile) } : undefined;
  } catch (e) {
    process.stderr.write(`apiserver: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const server = await buildApiserver({ storeEndpoints: flags.storeEndpoints, logger, tokens, tls });
  const address = await server.listen(flags.bindAddress, flags.port);
  logger.info({ address, store: flags.storeEndpoints }, 'apiserver listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Watches are long-lived: close() ends them, so clients reconnect elsewhere at once.
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`apiserver: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
