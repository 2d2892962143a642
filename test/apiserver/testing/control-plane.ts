// A store plus one or more apiservers as real processes, with a kubeconfig for them, for tests that
// drive the real kubectl and HTTP clients across real sockets. The store is our store-server or a
// real etcd: the apiserver must not be able to tell the difference.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as https from 'node:https';
import * as http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../../store/client/testing/etcd-process.js';
import { TestCluster, type Program } from '../../store/testing/cluster.js';

export const APISERVER = resolve(import.meta.dirname, '../../../dist/apiserver/main.js');
export const KUBECTL = process.env['KUBECTL'] ?? '/usr/bin/kubectl';

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class ApiserverProcess {
  proc: ChildProcess | undefined;
  output = '';

  constructor(
    readonly port: number,
    readonly storeEndpoints: string,
    readonly extraArgs: string[] = [],
    readonly token?: string,
  ) {}

  /** HTTPS when the apiserver was given a certificate (--tls-cert-file in extraArgs). */
  get url(): string {
    return `${this.extraArgs.includes('--tls-cert-file') ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const proc = spawn(process.execPath, [APISERVER, '--store-endpoints', this.storeEndpoints, '--port', String(this.port), '--log-level', 'warn', ...this.extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.proc = proc;
    await this.waitReady();
  }

  async waitReady(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc && this.proc.exitCode !== null) throw new Error(`apiserver exited (${this.proc.exitCode}):\n${this.output.slice(-3000)}`);
      try {
        if ((await request(`${this.url}/readyz`)).status === 200) {
          // The system namespaces are created right after start; wait for "default".
          const headers: Record<string, string> = this.token ? { Authorization: `Bearer ${this.token}` } : {};
          if ((await request(`${this.url}/api/v1/namespaces/default`, { headers })).status === 200) return;
        }
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`apiserver not ready after ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill(signal);
    await gone;
  }
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ControlPlane {
  readonly apiservers: ApiserverProcess[] = [];
  token: string | undefined;

  private constructor(
    readonly store: TestCluster,
    readonly kubeconfig: string,
  ) {}

  /**
   * `tokenAuth`: the text of a --token-auth-file; its first token goes into the kubeconfig, and the
   * apiserver serves HTTPS with a fresh self-signed certificate (kubectl sends tokens only over TLS).
   */
  static async start(options: { store?: Program; apiservers?: number; tokenAuth?: string } = {}): Promise<ControlPlane> {
    const store = await TestCluster.start({ program: options.store ?? 'store-server', members: 1 });
    const endpoints = store.members.map((m) => m.clientUrl).join(',');
    const kubeconfig = join(store.root, 'kubeconfig');
    const cp = new ControlPlane(store, kubeconfig);
    const extra: string[] = [];
    if (options.tokenAuth !== undefined) {
      const file = join(store.root, 'tokens.csv');
      writeFileSync(file, options.tokenAuth);
      extra.push('--token-auth-file', file);
      cp.token = options.tokenAuth.split(',')[0];
      const key = join(store.root, 'tls.key');
      const cert = join(store.root, 'tls.crt');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      extra.push('--tls-cert-file', cert, '--tls-private-key-file', key);
    }
    for (let i = 0; i < (options.apiservers ?? 1); i++) {
      const a = new ApiserverProcess(await freePort(), endpoints, extra, cp.token);
      cp.apiservers.push(a);
      try {
        await a.start();
      } catch (err) {
        // Nothing this start made may outlive the failed test.
        await cp.stop();
        throw err;
      }
    }
    cp.writeKubeconfig(cp.apiservers[0]!.url);
    return cp;
  }

  get url(): string {
    return this.apiservers[0]!.url;
  }

  /** A kubeconfig as kubectl and @kubernetes/client-node read it (http needs insecure-skip-tls-verify for the latter). */
  writeKubeconfig(server: string): void {
    writeFileSync(
      this.kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: test',
        '  cluster:',
        `    server: ${server}`,
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: test',
        this.token ? `  user: {token: ${this.token}}` : '  user: {}',
        'contexts:',
        '- name: test',
        '  context: {cluster: test, user: test, namespace: default}',
        'current-context: test',
        '',
      ].join('\n'),
    );
  }

  kubectl(args: string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolvePromise) => {
      const child = execFile(
        KUBECTL,
        ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.store.root, 'kube-cache'), ...args],
        { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolvePromise({ code, stdout, stderr });
        },
      );
      if (input !== undefined) child.stdin!.end(input);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.apiservers.map((a) => a.kill('SIGKILL')));
    await this.store.stop();
  }
}

/**
 * A small HTTP(S) request that accepts the tests' self-signed certificates (fetch cannot be told
 * to without an extra dependency).
 */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(u, { method: options.method ?? 'GET', headers: options.headers, rejectUnauthorized: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(options.body);
  });
}
