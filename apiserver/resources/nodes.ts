// core/v1 Node (pkg/registry/core/node). Unlike other kinds, a node may be created with its status:
// the kubelet registers a node together with what it found on the machine.

import { fieldError, index, type FieldError } from '../api/field-errors.js';
import { asObject, asString, ensureObject, objectList, setDefault } from '../admission/validation/json-access.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from '../admission/validation/names.js';
import { defineStrategy } from './define-strategy.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** NodeSystemInfo's fields are plain strings without omitempty: Kubernetes always prints them. */
const NODE_INFO_FIELDS = [
  'architecture', 'bootID', 'containerRuntimeVersion', 'kernelVersion', 'kubeProxyVersion', 'kubeletVersion',
  'machineID', 'operatingSystem', 'osImage', 'systemUUID',
];

function validateTaints(taints: unknown): FieldError[] {
  const errs: FieldError[] = [];
  objectList(taints).forEach((t, i) => {
    const p = index('spec.taints', i);
    const key = asString(t['key']) ?? '';
    for (const msg of isQualifiedName(key)) errs.push(fieldError.invalid(`${p}.key`, key, msg));
    const value = asString(t['value']);
    if (value) for (const msg of isValidLabelValue(value)) errs.push(fieldError.invalid(`${p}.value`, value, msg));
    const effect = t['effect'];
    if (!effect) errs.push(fieldError.required(`${p}.effect`));
    else if (!TAINT_EFFECTS.includes(effect as string)) errs.push(fieldError.notSupported(`${p}.effect`, effect, TAINT_EFFECTS));
  });
  return errs;
}

export const nodesStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  model: 'V1Node',
  subresources: { status: true },
  nameRule: nameIsDNSSubdomain,
  defaults(obj) {
    const status = ensureObject(obj, 'status');
    // SetDefaults_NodeStatus: what can be allocated is, unless told otherwise, all there is.
    if (status['allocatable'] === undefined && asObject(status['capacity'])) status['allocatable'] = structuredClone(status['capacity']);
    const daemonEndpoints = ensureObject(status, 'daemonEndpoints');
    setDefault(ensureObject(daemonEndpoints, 'kubeletEndpoint'), 'Port', 0);
    const nodeInfo = ensureObject(status, 'nodeInfo');
    for (const f of NODE_INFO_FIELDS) setDefault(nodeInfo, f, '');
  },
  // The status sent on create is kept (the kubelet registers with it).
  initialStatus: (obj) => asObject(obj['status']) ?? {},
  validateSpec: (obj) => validateTaints(asObject(obj['spec'])?.['taints']),
  selectableFields: (obj) => ({ 'spec.unschedulable': String(asObject(obj['spec'])?.['unschedulable'] === true) }),
});
