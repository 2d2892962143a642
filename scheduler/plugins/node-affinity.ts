// NodeAffinity: spec.nodeSelector and requiredDuringSchedulingIgnoredDuringExecution must both
// match the node (filter); preferredDuringScheduling terms add their weights (score).

import type { V1Node, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Pod } from '@kubernetes/client-node';
import { defaultNormalize, type FilterPlugin, type ScorePlugin } from '../framework.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

/** Go's strconv.ParseInt(s, 10, 64) as far as label values go: an optional sign and digits. */
function parseInt64(s: string): bigint | undefined {
  return /^[+-]?\d+$/.test(s) ? BigInt(s) : undefined;
}

/** A label selector requirement (labels.Requirement.Matches) against a label set. */
export function matchesRequirement(req: V1NodeSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const have = parseInt64(value!);
      const want = parseInt64(values[0]!);
      if (have === undefined || want === undefined) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** matchFields: only metadata.name exists as a field, with In and NotIn. */
function matchesField(req: V1NodeSelectorRequirement, node: V1Node): boolean {
  if (req.key !== 'metadata.name' || (req.operator !== 'In' && req.operator !== 'NotIn')) return false;
  return matchesRequirement(req, { 'metadata.name': node.metadata?.name ?? '' });
}

/** A term: every expression and every field requirement; a term with neither matches nothing. */
export function matchesTerm(term: V1NodeSelectorTerm, node: V1Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return exprs.every((r) => matchesRequirement(r, labels)) && fields.every((r) => matchesField(r, node));
}

/** nodeSelector (every label) and the required node affinity (any term). */
export function podMatchesNode(pod: V1Pod, node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) return required.nodeSelectorTerms.some((t) => matchesTerm(t, node));
  return true;
}

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  filter: (ctx, ni) => (podMatchesNode(ctx.pod, ni.node!) ? [] : [ERR_REASON_AFFINITY]),
};

export function preferredAffinityScore(pod: V1Pod, node: V1Node): number {
  let sum = 0;
  for (const p of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (p.weight !== 0 && matchesTerm(p.preference, node)) sum += p.weight;
  }
  return sum;
}

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  score: (ctx, ni) => preferredAffinityScore(ctx.pod, ni.node!),
  normalize: (scores) => defaultNormalize(scores, false),
};
