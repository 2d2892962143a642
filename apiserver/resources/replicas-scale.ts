// The scale subresource of kinds with spec.replicas and spec.selector (Deployment, ReplicaSet,
// StatefulSet): autoscaling/v1 Scale reads and writes spec.replicas, and reports the selector as
// a string (metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key).

import { asNumber, asObject, ensureObject } from '../admission/validation/json-access.js';
import { toSelector } from '../admission/validation/selectors.js';
import { selectorString } from '../list/label-selector.js';
import type { ScaleSpec } from './strategy.js';

export const replicasScale: ScaleSpec = {
  specReplicas: (obj) => asNumber(asObject(obj['spec'])?.['replicas']) ?? 1,
  setSpecReplicas: (obj, replicas) => {
    ensureObject(obj, 'spec')['replicas'] = replicas;
  },
  statusReplicas: (obj) => asNumber(asObject(obj['status'])?.['replicas']) ?? 0,
  selector: (obj) => {
    const selector = toSelector(asObject(obj['spec'])?.['selector']);
    return selector ? selectorString(selector) : '';
  },
};
