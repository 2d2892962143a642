// What every command receives: the parsed flags, the apiserver, the namespace to use, discovery
// (fetched once, on first need) and the output streams.

import { readFileSync } from 'node:fs';
import type { RestTransport } from '../client/rest.js';
import { openApi } from './api.js';
import type { Args } from './args.js';
import { resolveTarget } from './config.js';
import { discover, resolveResource, type ApiResource } from './discovery.js';

export class Ctx {
  private apiInstance: RestTransport | undefined;
  private discovered: Promise<ApiResource[]> | undefined;
  private target: ReturnType<typeof resolveTarget> | undefined;

  constructor(
    readonly args: Args,
    readonly out: (s: string) => void = (s) => process.stdout.write(s),
    readonly err: (s: string) => void = (s) => process.stderr.write(s),
  ) {}

  get api(): RestTransport {
    this.apiInstance ??= openApi(this.targetConfig().rest);
    return this.apiInstance;
  }

  /** -n, else the context's namespace, else default. */
  get namespace(): string {
    return this.targetConfig().namespace;
  }

  get allNamespaces(): boolean {
    return this.args.bool('all-namespaces');
  }

  resources(): Promise<ApiResource[]> {
    this.discovered ??= discover(this.api);
    return this.discovered;
  }

  async resolve(word: string): Promise<ApiResource> {
    return resolveResource(await this.resources(), word);
  }

  /** The namespace to put in URLs for a resource: none for cluster-scoped ones and for -A. */
  nsFor(r: ApiResource): string | undefined {
    if (!r.namespaced || this.allNamespaces) return undefined;
    return this.namespace;
  }

  stdin(): string {
    return readFileSync(0, 'utf8');
  }

  close(): void {
    this.apiInstance?.close();
  }

  private targetConfig(): ReturnType<typeof resolveTarget> {
    this.target ??= resolveTarget(this.args);
    return this.target;
  }
}
