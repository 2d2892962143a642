// Subresources that are not plain views of the object:
//   scale      autoscaling/v1 Scale over spec.replicas (kubectl scale, autoscalers)
//   binding    the scheduler's decision: sets spec.nodeName once (pods/binding)
//   eviction   a policy-checked delete (pods/eviction); with no PodDisruptionBudgets served, it deletes
//   finalize   the namespace controller's last step: set spec.finalizers (namespaces/finalize)

import { isPlainObject, type KubeObject } from '../api/object.js';
import { errors, successStatus, type StatusObject } from '../api/status.js';
import { fieldError } from '../api/field-errors.js';
import type { ResourceStrategy } from '../resources/strategy.js';
import { deleteObject, parseDeleteOptions } from './deletion.js';
import type { Registry, WriteOptions } from './registry.js';

export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: KubeObject['metadata'];
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

export function toScale(s: ResourceStrategy, obj: KubeObject): Scale {
  const scale = s.subresources.scale!;
  const m = obj.metadata;
  const status: Scale['status'] = { replicas: scale.statusReplicas(obj) };
  const selector = scale.selector(obj);
  if (selector) status.selector = selector;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: scale.specReplicas(obj) },
    status,
  };
}

/** PUT .../scale: sets spec.replicas; a resourceVersion in the Scale is a precondition. */
export async function updateScale(registry: Registry, s: ResourceStrategy, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions): Promise<Scale> {
  if (!isPlainObject(body)) throw errors.badRequest('the request body must be a Scale object');
  const spec = body['spec'];
  const replicas = isPlainObject(spec) ? spec['replicas'] : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('autoscaling', 'Scale', name, [fieldError.invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0')]);
  }
  const meta = isPlainObject(body['metadata']) ? body['metadata'] : {};
  const precondition = typeof meta['resourceVersion'] === 'string' && meta['resourceVersion'] ? meta['resourceVersion'] : undefined;
  const current = await registry.get(s, namespace, name);
  const updated = await registry.guaranteedUpdate(s, namespace, name, current, precondition, 'main', opts, (obj) => {
    s.subresources.scale!.setSpecReplicas(obj, replicas);
    return obj;
  });
  return toScale(s, updated);
}

/** POST pods/<name>/binding: assigns the pod to a node, once. */
export async function bindPod(registry: Registry, s: ResourceStrategy, namespace: string, name: string, body: unknown, opts: WriteOptions): Promise<StatusObject> {
  if (!isPlainObject(body) || !isPlainObject(body['target'])) throw errors.badRequest('a Binding needs a target');
  const target = body['target'];
  const node = typeof target['name'] === 'string' ? target['name'] : '';
  if (!node) throw errors.invalid('', 'Binding', name, [fieldError.required('target.name')]);
  if (target['kind'] !== undefined && target['kind'] !== '' && target['kind'] !== 'Node') {
    throw errors.invalid('', 'Binding', name, [fieldError.notSupported('target.kind', target['kind'], ['Node', '<empty>'])]);
  }
  const meta = isPlainObject(body['metadata']) ? body['metadata'] : {};
  const uid = typeof meta['uid'] === 'string' ? meta['uid'] : undefined;
  const current = await registry.get(s, namespace, name);
  await registry.guaranteedUpdate(s, namespace, name, current, undefined, 'internal', opts, (pod) => {
    if (uid && pod.metadata.uid !== uid) throw errors.conflict(s, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid}`);
    if (pod.metadata.deletionTimestamp) throw errors.conflict(s, name, 'pod is being deleted, cannot be assigned to a host');
    const spec = (pod['spec'] ??= {}) as { nodeName?: string };
    if (spec.nodeName) throw errors.conflict(s, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = node;
    // The scheduler's condition, as the binding storage records it.
    const status = (pod['status'] ??= {}) as { conditions?: { type: string; status: string; lastProbeTime: null; lastTransitionTime: string }[] };
    const conditions = (status.conditions ??= []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: registry.now().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    status.conditions = conditions;
    return pod;
  });
  return { ...successStatus(), code: 201 };
}

/** POST pods/<name>/eviction: with no disruption budgets to respect, an eviction is a delete. */
export async function evictPod(registry: Registry, s: ResourceStrategy, namespace: string, name: string, body: unknown): Promise<StatusObject> {
  const deleteOptions = isPlainObject(body) && isPlainObject(body['deleteOptions']) ? body['deleteOptions'] : {};
  await deleteObject(registry, s, namespace, name, parseDeleteOptions(deleteOptions, {}));
  return { ...successStatus(), code: 201 };
}

/** PUT namespaces/<name>/finalize: replaces spec.finalizers (and completes a pending delete). */
export async function finalizeNamespace(registry: Registry, s: ResourceStrategy, name: string, body: unknown, opts: WriteOptions): Promise<KubeObject> {
  if (!isPlainObject(body)) throw errors.badRequest('the request body must be a Namespace');
  const spec = isPlainObject(body['spec']) ? body['spec'] : {};
  const finalizers = Array.isArray(spec['finalizers']) ? spec['finalizers'].filter((f): f is string => typeof f === 'string') : [];
  const current = await registry.get(s, undefined, name);
  return registry.guaranteedUpdate(s, undefined, name, current, undefined, 'internal', opts, (ns) => {
    ns['spec'] = { ...((ns['spec'] as object | undefined) ?? {}), finalizers };
    return ns;
  });
}
