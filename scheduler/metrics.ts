// /metrics of the scheduler, named like kube-scheduler's where the measure is the same
// (scheduler_pending_pods, scheduler_schedule_attempts_total, scheduler_cache_size), read from the
// scheduler's counters when scraped.

import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SchedulerStats } from './scheduler.js';

export function schedulerMetrics(stats: () => SchedulerStats | undefined, isLeader: () => boolean, profile = 'default-scheduler'): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const seen = { scheduled: 0, unschedulable: 0, error: 0 };
  new Counter({
    name: 'scheduler_schedule_attempts_total',
    help: 'Number of attempts to schedule pods, by the result.',
    labelNames: ['result', 'profile'],
    registers: [registry],
    collect() {
      const s = stats();
      if (!s) return;
      for (const result of ['scheduled', 'unschedulable', 'error'] as const) {
        const delta = s.attempts[result] - seen[result];
        if (delta > 0) this.inc({ result, profile }, delta);
        seen[result] = s.attempts[result];
      }
    },
  });
  new Gauge({
    name: 'scheduler_pending_pods',
    help: 'Number of pending pods, by the queue type.',
    labelNames: ['queue'],
    registers: [registry],
    collect() {
      const q = stats()?.queue;
      if (!q) return;
      this.set({ queue: 'active' }, q.active);
      this.set({ queue: 'backoff' }, q.backoff);
      this.set({ queue: 'unschedulable' }, q.unschedulable);
      this.set({ queue: 'gated' }, q.gated);
    },
  });
  new Gauge({
    name: 'scheduler_cache_size',
    help: 'Number of nodes, pods, and assumed (bound) pods in the scheduler cache.',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      const c = stats()?.cache;
      if (!c) return;
      this.set({ type: 'nodes' }, c.nodes);
      this.set({ type: 'pods' }, c.boundPods + c.assumedPods);
      this.set({ type: 'assumed_pods' }, c.assumedPods);
    },
  });
  new Gauge({
    name: 'leader_election_master_status',
    help: 'Whether this process currently leads (1) or not (0).',
    labelNames: ['name'],
    registers: [registry],
    collect() {
      this.set({ name: 'kube-scheduler' }, isLeader() ? 1 : 0);
    },
  });
  return registry;
}
