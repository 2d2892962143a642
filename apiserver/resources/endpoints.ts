// core/v1 Endpoints: the addresses behind a service, written by the endpoints controller (or by
// hand for a service without selector). PUT may create them, as in Kubernetes.

import { fieldError, index, type FieldError } from '../api/field-errors.js';
import { asNumber, asString, objectList, setDefaultString, type Obj } from '../admission/validation/json-access.js';
import { isDNS1123Label, isValidIP, isValidPortNum, nameIsDNSSubdomain } from '../admission/validation/names.js';
import { PORT_PROTOCOLS } from '../admission/validation/pod-spec.js';
import { defineStrategy } from './define-strategy.js';

function validateAddress(a: Obj, path: string): FieldError[] {
  const ip = asString(a['ip']) ?? '';
  const errs = isValidIP(ip).map((m) => fieldError.invalid(`${path}.ip`, ip, m));
  const nodeName = asString(a['nodeName']);
  if (nodeName) errs.push(...nameIsDNSSubdomain(nodeName, false).map((m) => fieldError.invalid(`${path}.nodeName`, nodeName, m)));
  return errs;
}

function validatePort(port: Obj, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = asString(port['name']) ?? '';
  if (requireName && !name) errs.push(fieldError.required(`${path}.name`));
  else if (name) errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(`${path}.name`, name, m)));
  const num = asNumber(port['port']) ?? 0;
  errs.push(...isValidPortNum(num).map((m) => fieldError.invalid(`${path}.port`, num, m)));
  const protocol = port['protocol'];
  if (!protocol) errs.push(fieldError.required(`${path}.protocol`));
  else if (!PORT_PROTOCOLS.includes(protocol as (typeof PORT_PROTOCOLS)[number])) errs.push(fieldError.notSupported(`${path}.protocol`, protocol, PORT_PROTOCOLS));
  return errs;
}

function validateSubsets(subsets: unknown): FieldError[] {
  const errs: FieldError[] = [];
  objectList(subsets).forEach((ss, i) => {
    const p = index('subsets', i);
    const addresses = objectList(ss['addresses']);
    const notReady = objectList(ss['notReadyAddresses']);
    if (addresses.length === 0 && notReady.length === 0) errs.push(fieldError.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => errs.push(...validateAddress(a, index(`${p}.addresses`, j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, index(`${p}.notReadyAddresses`, j))));
    const ports = objectList(ss['ports']);
    ports.forEach((port, j) => errs.push(...validatePort(port, ports.length > 1, index(`${p}.ports`, j))));
  });
  return errs;
}

export const endpointsStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  model: 'V1Endpoints',
  nameRule: nameIsDNSSubdomain,
  defaults(obj) {
    for (const ss of objectList(obj['subsets'])) for (const port of objectList(ss['ports'])) setDefaultString(port, 'protocol', 'TCP');
  },
  validateSpec: (obj) => validateSubsets(obj['subsets']),
  allowCreateOnUpdate: true,
});
