// The scheduling framework, cut down to what this scheduler runs: per cycle, filters decide which
// nodes can take the pod (each returns the reasons a node cannot), scores rank the feasible ones
// (0..100 per plugin, normalized over all feasible nodes, then weighted and summed), and the best
// node wins. Plugins are pure functions of the pod and a NodeInfo; the scheduler owns all state.

import type { V1Pod } from '@kubernetes/client-node';
import type { NodeInfo } from './nodeinfo.js';
import { podHostPorts, podRequests, type HostPort, type ResourceList } from './resources.js';

export const MAX_NODE_SCORE = 100;

/** What a cycle computes once about the pod, so every plugin and node reuses it. */
export interface PodContext {
  readonly pod: V1Pod;
  readonly requests: ResourceList;
  readonly nonZeroRequests: ResourceList;
  readonly ports: HostPort[];
}

export function podContext(pod: V1Pod): PodContext {
  return { pod, requests: podRequests(pod), nonZeroRequests: podRequests(pod, true), ports: podHostPorts(pod) };
}

export interface FilterPlugin {
  readonly name: string;
  /** The reasons the node cannot take the pod (Kubernetes' wording), or an empty list when it can. */
  filter(ctx: PodContext, node: NodeInfo): string[];
}

export interface ScorePlugin {
  readonly name: string;
  readonly weight: number;
  /** A raw score; `normalize` maps the raw scores of all feasible nodes to 0..100. */
  score(ctx: PodContext, node: NodeInfo): number;
  normalize?(scores: number[], ctx: PodContext): number[];
}

export interface FilterOutcome {
  feasible: NodeInfo[];
  /** Node name → the reasons of the first filter that rejected it (Kubernetes stops there too). */
  failures: Map<string, string[]>;
}

export function runFilters(plugins: readonly FilterPlugin[], ctx: PodContext, nodes: readonly NodeInfo[]): FilterOutcome {
  const feasible: NodeInfo[] = [];
  const failures = new Map<string, string[]>();
  for (const node of nodes) {
    let rejected = false;
    for (const p of plugins) {
      const reasons = p.filter(ctx, node);
      if (reasons.length > 0) {
        failures.set(node.name, reasons);
        rejected = true;
        break;
      }
    }
    if (!rejected) feasible.push(node);
  }
  return { feasible, failures };
}

export interface NodeScore {
  name: string;
  /** Weighted sum over plugins. */
  total: number;
  /** Normalized score per plugin, before weighting (for logs and tests). */
  byPlugin: Record<string, number>;
}

export function runScores(plugins: readonly ScorePlugin[], ctx: PodContext, nodes: readonly NodeInfo[]): NodeScore[] {
  const out: NodeScore[] = nodes.map((n) => ({ name: n.name, total: 0, byPlugin: {} }));
  for (const p of plugins) {
    const raw = nodes.map((n) => p.score(ctx, n));
    const scores = p.normalize ? p.normalize(raw, ctx) : raw;
    scores.forEach((s, i) => {
      out[i]!.byPlugin[p.name] = s;
      out[i]!.total += s * p.weight;
    });
  }
  return out;
}

/**
 * The highest total wins; among equal totals one is drawn with `random` (Kubernetes samples ties
 * uniformly so that equal nodes share the load). Nodes come in name order, so a seeded random
 * makes the choice reproducible.
 */
export function selectHost(scores: readonly NodeScore[], random: () => number): string | undefined {
  let best = -Infinity;
  let ties: string[] = [];
  for (const s of scores) {
    if (s.total > best) {
      best = s.total;
      ties = [s.name];
    } else if (s.total === best) {
      ties.push(s.name);
    }
  }
  if (ties.length === 0) return undefined;
  const i = Math.min(ties.length - 1, Math.floor(random() * ties.length));
  return ties[i];
}

/**
 * Kubernetes' helper.DefaultNormalizeScore: scale so the largest raw score becomes 100; `reverse`
 * turns "more is worse" counts (untolerated PreferNoSchedule taints) into scores.
 */
export function defaultNormalize(scores: readonly number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const v = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - v : v;
  });
}

/** The message of Kubernetes' FitError for nodes that all failed filtering. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/**
 * "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu." — each reason
 * counted over nodes, "<count> <reason>" sorted as strings (so "10 x" sorts before "2 y", as Go's
 * sort.Strings does), then the PostFilter (preemption) message when there is one.
 */
export function fitErrorMessage(numAllNodes: number, failures: ReadonlyMap<string, readonly string[]>, postFilterMsg = ''): string {
  const counts = new Map<string, number>();
  for (const reasons of failures.values()) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const histogram = [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let msg = `0/${numAllNodes} nodes are available:`;
  if (histogram.length > 0) msg += ` ${histogram.join(', ')}.`;
  if (postFilterMsg) msg += ` ${postFilterMsg}`;
  return msg;
}
