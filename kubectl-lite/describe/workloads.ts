// kubectl describe deployment and replicaset: replica counts, strategy, the pod template, the
// conditions, which ReplicaSets a Deployment owns (new and old), and the pods a ReplicaSet runs.

import type { KObj } from '../objects.js';
import { sortKeys } from '../output.js';
import { DescribeWriter } from '../tabwriter.js';
import { describeEvents, get, printAnnotations, printLabels, rfc1123z, type EventItem } from './common.js';
import { describePodTemplate, type PodTemplate } from './pod.js';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** labels.Selector.String(): requirements sorted by key, "k=v", "k in (a,b)", "k", "!k". */
export function selectorString(sel: LabelSelector | undefined): string {
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text = e.operator === 'In' ? `${e.key} in (${values})` : e.operator === 'NotIn' ? `${e.key} notin (${values})` : e.operator === 'Exists' ? e.key : `!${e.key}`;
    reqs.push({ key: e.key, text });
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

function matches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel?.matchExpressions ?? []) {
    const has = k(e.key);
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(l[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(l[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
  function k(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(l, key);
  }
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

function conditions(w: DescribeWriter, o: KObj): void {
  const cs = (get(o, 'status.conditions') ?? []) as Condition[];
  if (cs.length === 0) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of cs) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

const controllerUid = (o: KObj): string | undefined => (o.metadata.ownerReferences ?? []).find((r) => r.controller)?.uid;

/** A template compared the way the Deployment controller does: without the pod-template-hash label. */
function templateKey(t: unknown): string {
  const copy = JSON.parse(JSON.stringify(t ?? {})) as PodTemplate;
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return JSON.stringify(sortKeys(copy));
}

export function describeDeployment(d: KObj, replicaSets: KObj[], events: EventItem[] | undefined): string {
  const w = new DescribeWriter();
  const st = (d.status ?? {}) as Record<string, number | undefined>;
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${d.metadata.namespace ?? ''}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  printLabels(w, 'Labels', d.metadata.labels);
  printAnnotations(w, 'Annotations', d.metadata.annotations);
  w.write(0, `Selector:\t${selectorString(get(d, 'spec.selector') as LabelSelector)}\n`);
  w.write(0, `Replicas:\t${get(d, 'spec.replicas') ?? 1} desired | ${st['updatedReplicas'] ?? 0} updated | ${st['replicas'] ?? 0} total | ${st['availableReplicas'] ?? 0} available | ${st['unavailableReplicas'] ?? 0} unavailable\n`);
  w.write(0, `StrategyType:\t${get(d, 'spec.strategy.type') ?? ''}\n`);
  w.write(0, `MinReadySeconds:\t${get(d, 'spec.minReadySeconds') ?? 0}\n`);
  const ru = get(d, 'spec.strategy.rollingUpdate') as { maxUnavailable?: number | string; maxSurge?: number | string } | undefined;
  if (ru) w.write(0, `RollingUpdateStrategy:\t${ru.maxUnavailable ?? ''} max unavailable, ${ru.maxSurge ?? ''} max surge\n`);
  describePodTemplate(w, get(d, 'spec.template') as PodTemplate);
  conditions(w, d);
  // The controller's view: owned ReplicaSets by age; the first with the Deployment's template is new.
  const owned = replicaSets
    .filter((rs) => controllerUid(rs) === d.metadata.uid)
    .sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? '') - Date.parse(b.metadata.creationTimestamp ?? '') || (a.metadata.name < b.metadata.name ? -1 : 1));
  const want = templateKey(get(d, 'spec.template'));
  const newRs = owned.find((rs) => templateKey(get(rs, 'spec.template')) === want);
  const old = owned.filter((rs) => rs !== newRs);
  const list = (rss: KObj[]) => rss.map((rs) => `${rs.metadata.name} (${get(rs, 'status.replicas') ?? 0}/${get(rs, 'spec.replicas') ?? 1} replicas created)`).join(', ') || '<none>';
  if (owned.length > 0) {
    w.write(0, `OldReplicaSets:\t${list(old)}\n`);
    w.write(0, `NewReplicaSet:\t${list(newRs ? [newRs] : [])}\n`);
  }
  describeEvents(w, events);
  return w.toString();
}

export function describeReplicaSet(rs: KObj, pods: KObj[], events: EventItem[] | undefined): string {
  const w = new DescribeWriter();
  const selector = get(rs, 'spec.selector') as LabelSelector | undefined;
  w.write(0, `Name:\t${rs.metadata.name}\n`);
  w.write(0, `Namespace:\t${rs.metadata.namespace ?? ''}\n`);
  w.write(0, `Selector:\t${selectorString(selector) || '<none>'}\n`);
  printLabels(w, 'Labels', rs.metadata.labels);
  printAnnotations(w, 'Annotations', rs.metadata.annotations);
  const controller = (rs.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (controller) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  w.write(0, `Replicas:\t${get(rs, 'status.replicas') ?? 0} current / ${get(rs, 'spec.replicas') ?? 1} desired\n`);
  const mine = pods.filter((p) => controllerUid(p) === rs.metadata.uid && matches(selector, p.metadata.labels));
  const count = (phase: string) => mine.filter((p) => get(p, 'status.phase') === phase).length;
  w.write(0, `Pods Status:\t${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed\n`);
  describePodTemplate(w, get(rs, 'spec.template') as PodTemplate);
  conditions(w, rs);
  describeEvents(w, events);
  return w.toString();
}
