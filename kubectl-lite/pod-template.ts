// Where a workload keeps its pod template (spec.template, or a CronJob's
// spec.jobTemplate.spec.template), for set image, rollout restart and describe.

import type { KObj } from './objects.js';

export interface Container {
  name: string;
  image?: string;
  ports?: { containerPort: number; protocol?: string }[];
  env?: { name: string; value?: string }[];
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: Container[]; initContainers?: Container[]; [k: string]: unknown };
}

export function podTemplate(obj: KObj): PodTemplate | undefined {
  const spec = obj.spec as { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } } | undefined;
  if (obj.kind === 'Pod') return { metadata: obj.metadata, spec: obj.spec as PodTemplate['spec'] };
  return spec?.template ?? spec?.jobTemplate?.spec?.template;
}

/** Wraps a template-level patch in the path to the template of the object's kind. */
export function templatePatch(kind: string | undefined, patch: PodTemplate): Record<string, unknown> {
  if (kind === 'Pod') return { ...patch.metadata && { metadata: patch.metadata }, ...patch.spec && { spec: patch.spec } };
  if (kind === 'CronJob') return { spec: { jobTemplate: { spec: { template: patch } } } };
  return { spec: { template: patch } };
}
