// The pod's QoS class (pkg/apis/core/helper/qos.GetPodQOS), fixed at creation in status.qosClass:
//  - BestEffort: no container requests or limits any CPU or memory;
//  - Guaranteed: every container has CPU and memory limits, and requests equal to them;
//  - Burstable: anything in between.

import { asObject, objectList, type Obj } from '../admission/validation/json-access.js';
import { addQuantities, compareQuantities, parseQuantity, ZERO, type Quantity } from '../../client/quantity.js';

export type QOSClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

const QOS_RESOURCES = ['cpu', 'memory'] as const;

export function podQOSClass(specValue: unknown): QOSClass {
  const spec: Obj = asObject(specValue) ?? {};
  // Exact amounts: in floating point 100m + 200m would not equal a 300m limit.
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...objectList(spec['initContainers']), ...objectList(spec['containers'])]) {
    const resources = asObject(c['resources']);
    const req = asObject(resources?.['requests']) ?? {};
    const lim = asObject(resources?.['limits']) ?? {};
    for (const r of QOS_RESOURCES) {
      const q = parseQuantity(req[r]);
      if (q && compareQuantities(q, ZERO) > 0) requests.set(r, addQuantities(requests.get(r) ?? ZERO, q));
    }
    let limitsFound = 0;
    for (const r of QOS_RESOURCES) {
      const q = parseQuantity(lim[r]);
      if (q && compareQuantities(q, ZERO) > 0) {
        limitsFound++;
        limits.set(r, addQuantities(limits.get(r) ?? ZERO, q));
      }
    }
    if (limitsFound < QOS_RESOURCES.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [r, q] of requests) {
      const limit = limits.get(r);
      if (!limit || compareQuantities(limit, q) !== 0) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
