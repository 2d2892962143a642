// The ClientSet a component builds once from its flags: resource clients over one connection pool,
// and one shared informer per (resource, namespace, selectors) however many controllers ask for it.
//
//   const cs = createClientSet(restConfigFromFlags(flags), { log });
//   const pods = cs.informer<V1Pod>(RESOURCES.pods);
//   pods.addHandler({ onAdd: (p) => queue.add(objectKey(p)) });
//   cs.start();
//   await cs.waitForSync();

import { ApiEventRecorder, type CoreEvent } from './events.js';
import { SharedInformer } from './informer.js';
import { stderrLogger, type Logger } from './log.js';
import { RestResourceClient, RestTransport, type RestConfig } from './rest.js';
import { RESOURCES, type ClientSet, type Clock, type EventRecorder, type Informer, type InformerOptions, type KubeObject, type ResourceRef } from './types.js';

export interface ClientSetOptions {
  log?: Logger;
  clock?: Clock;
  /** Objects per list page for informers (default 500). */
  pageSize?: number;
}

export class RestClientSet implements ClientSet {
  readonly transport: RestTransport;
  private readonly log: Logger;
  private readonly clients = new Map<string, RestResourceClient<KubeObject>>();
  private readonly informers = new Map<string, SharedInformer<KubeObject>>();
  private started = false;

  constructor(
    config: RestConfig,
    private readonly options: ClientSetOptions = {},
  ) {
    this.transport = new RestTransport(config);
    this.log = options.log ?? stderrLogger('client');
  }

  client<T extends KubeObject>(resource: ResourceRef): RestResourceClient<T> {
    const id = resourceId(resource);
    let c = this.clients.get(id);
    if (!c) {
      c = new RestResourceClient<KubeObject>(this.transport, resource);
      this.clients.set(id, c);
    }
    return c as unknown as RestResourceClient<T>;
  }

  informer<T extends KubeObject>(resource: ResourceRef, options: InformerOptions = {}): Informer<T> {
    // Resync is not part of the identity: every user shares one watch, resynced at the shortest period asked.
    const id = [resourceId(resource), options.namespace ?? '', options.labelSelector ?? '', options.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(id);
    if (!inf) {
      const client = this.client<KubeObject>(resource);
      const { namespace, labelSelector, fieldSelector } = options;
      const name = [resource.group ? `${resource.plural}.${resource.group}` : resource.plural, namespace, labelSelector, fieldSelector].filter(Boolean).join(' ');
      inf = new SharedInformer<KubeObject>(
        {
          list: (o, signal) => client.list(namespace, { ...o, labelSelector, fieldSelector }, signal),
          watch: (o) => client.watch(namespace, { ...o, labelSelector, fieldSelector }),
        },
        { name, log: this.log, resyncMs: options.resyncMs, pageSize: this.options.pageSize },
      );
      this.informers.set(id, inf);
      if (this.started) inf.start();
    } else if (options.resyncMs) {
      inf.requestResync(options.resyncMs);
    }
    return inf as unknown as Informer<T>;
  }

  start(): void {
    this.started = true;
    for (const inf of this.informers.values()) inf.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].filter((i) => i.started).map((i) => i.waitForSync()));
  }

  recorder(component: string, host?: string): EventRecorder {
    return new ApiEventRecorder(this.client<CoreEvent>(RESOURCES.events), component, host, this.log, this.options.clock);
  }

  stop(): void {
    for (const inf of this.informers.values()) inf.stop();
    this.transport.close();
  }
}

function resourceId(r: ResourceRef): string {
  return `${r.group}/${r.version}/${r.plural}`;
}

export function createClientSet(config: RestConfig, options?: ClientSetOptions): RestClientSet {
  return new RestClientSet(config, options);
}
