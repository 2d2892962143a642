// Runs the real etcdctl, so tests can compare what our client decodes with what etcd's
// own client prints (e.g. 64-bit ids, which etcdctl shows in hex).

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { etcdBinary } from './etcd-process.js';

const run = promisify(execFile);

/** etcdctl next to the etcd binary, else $ETCDCTL_BIN; fails loudly if absent. */
export function etcdctlBinary(): string {
  const fromEnv = process.env['ETCDCTL_BIN'];
  if (fromEnv) return fromEnv;
  const beside = join(dirname(etcdBinary()), 'etcdctl');
  if (existsSync(beside)) return beside;
  throw new Error('etcdctl not found next to etcd (Debian: apt-get install etcd-client), nor ETCDCTL_BIN');
}

export async function etcdctl(endpoint: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(etcdctlBinary(), [`--endpoints=${endpoint}`, ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
    timeout: 10_000,
  });
  return stdout;
}

/** "694d7b1e4a8f0e0b" -> "7587869999000000011": etcdctl's hex id as our decimal string. */
export function hexIdToDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}
