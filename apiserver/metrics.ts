// /metrics of the apiserver, named like Kubernetes' own where the measure is the same, so that
// dashboards written for Kubernetes read ours.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiserverMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Requests by verb, group, version, resource, subresource and HTTP code.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'code'],
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency by verb and resource (watches: until the stream starts).',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.5, 2, 3, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly watches = new Gauge({
    name: 'apiserver_longrunning_requests',
    help: 'Open watch streams.',
    labelNames: ['verb'],
    registers: [this.registry],
  });
  readonly storeLatency = new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'Latency of store requests by operation.',
    labelNames: ['operation', 'type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
