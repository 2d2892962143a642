// core/v1 Pod (pkg/registry/core/pod). A pod starts Pending with its QoS class fixed; its spec is
// then frozen except for images, activeDeadlineSeconds and added tolerations; the kubelet reports
// through /status. Deletion is graceful: the kubelet gets terminationGracePeriodSeconds to stop it.

import { asNumber, asObject, asString, ensureObject, objectList, type Obj } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { validatePodSpec } from '../admission/validation/pod-spec.js';
import { validatePodSpecUpdate } from '../admission/validation/pod-update.js';
import { defineStrategy } from './define-strategy.js';
import { defaultPodOnly, defaultPodSpec } from './pod-defaults.js';
import { podQOSClass } from './pod-qos.js';

/** v1.DefaultTerminationGracePeriodSeconds */
export const DEFAULT_TERMINATION_GRACE_PERIOD = 30;

function specOf(obj: Obj): Obj {
  return asObject(obj['spec']) ?? {};
}

/** PrepareForCreate: Pending, the QoS class, and the SchedulingGated condition when gates are set. */
function initialPodStatus(obj: Obj): Record<string, unknown> {
  const spec = specOf(obj);
  const status: Record<string, unknown> = { phase: 'Pending', qosClass: podQOSClass(spec) };
  if (objectList(spec['schedulingGates']).length > 0) {
    status['conditions'] = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
        lastProbeTime: null,
        lastTransitionTime: null,
      },
    ];
  }
  return status;
}

export const podsStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  model: 'V1Pod',
  subresources: { status: true },
  nameRule: nameIsDNSSubdomain,
  defaults(obj) {
    const spec = ensureObject(obj, 'spec');
    defaultPodSpec(spec);
    defaultPodOnly(spec);
  },
  initialStatus: initialPodStatus,
  validateSpec: (obj) => validatePodSpec(obj['spec'], 'spec'),
  validateSpecUpdate: (obj, old) => validatePodSpecUpdate(obj['spec'], old['spec']),
  /**
   * The grace period when DeleteOptions gives none. A pod that never reached a node, or has
   * already finished, has nothing to stop and goes at once (Kubernetes forces 0 for these even
   * when the client asks for a grace period).
   */
  gracePeriodSeconds(obj) {
    const phase = asString(asObject(obj['status'])?.['phase']);
    if (!asString(specOf(obj)['nodeName']) || phase === 'Succeeded' || phase === 'Failed') return 0;
    return asNumber(specOf(obj)['terminationGracePeriodSeconds']) ?? DEFAULT_TERMINATION_GRACE_PERIOD;
  },
  selectableFields(obj) {
    const spec = specOf(obj);
    const status = asObject(obj['status']) ?? {};
    const podIPs = objectList(status['podIPs']);
    return {
      'spec.nodeName': asString(spec['nodeName']) ?? '',
      'spec.restartPolicy': asString(spec['restartPolicy']) ?? '',
      'spec.schedulerName': asString(spec['schedulerName']) ?? '',
      'spec.serviceAccountName': asString(spec['serviceAccountName']) ?? '',
      'spec.hostNetwork': String(spec['hostNetwork'] === true),
      'status.phase': asString(status['phase']) ?? '',
      'status.podIP': asString(podIPs[0]?.['ip']) ?? asString(status['podIP']) ?? '',
      'status.nominatedNodeName': asString(status['nominatedNodeName']) ?? '',
    };
  },
});
