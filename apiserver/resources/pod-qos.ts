// The pod's QoS class (pkg/apis/core/helper/qos.GetPodQOS), fixed at creation in status.qosClass:
//  - BestEffort: no container requests or limits any CPU or memory;
//  - Guaranteed: every container has CPU and memory limits, and requests equal to them;
//  - Burstable: anything in between.

import { asObject, objectList, type Obj } from '../admission/validation/json-access.js';
import { parseQuantity } from './quantity.js';

export type QOSClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

export function podQOSClass(specValue: unknown): QOSClass {
  const spec: Obj = asObject(specValue) ?? {};
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...objectList(spec['initContainers']), ...objectList(spec['containers'])]) {
    const resources = asObject(c['resources']);
    const req = asObject(resources?.['requests']) ?? {};
    const lim = asObject(resources?.['limits']) ?? {};
    for (const r of QOS_RESOURCES) {
      const q = parseQuantity(req[r]);
      if (q !== undefined && q > 0) requests.set(r, (requests.get(r) ?? 0) + q);
    }
    let limitsFound = 0;
    for (const r of QOS_RESOURCES) {
      const q = parseQuantity(lim[r]);
      if (q !== undefined && q > 0) {
        limitsFound++;
        limits.set(r, (limits.get(r) ?? 0) + q);
      }
    }
    if (limitsFound < QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [r, q] of requests) if (limits.get(r) !== q) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
