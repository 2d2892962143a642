// coordination.k8s.io/v1 Lease: what leader election and node heartbeats write every few
// seconds. PUT may create them, so a first renewal needs no separate create.

import { fieldError, type FieldError } from '../api/field-errors.js';
import { asNumber, asObject } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { IS_NEGATIVE } from '../admission/validation/immutable.js';
import { defineStrategy } from './define-strategy.js';

function validateLeaseSpec(specValue: unknown): FieldError[] {
  const spec = asObject(specValue) ?? {};
  const errs: FieldError[] = [];
  const duration = asNumber(spec['leaseDurationSeconds']);
  if (duration !== undefined && duration <= 0) errs.push(fieldError.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = asNumber(spec['leaseTransitions']);
  if (transitions !== undefined && transitions < 0) errs.push(fieldError.invalid('spec.leaseTransitions', transitions, IS_NEGATIVE));
  return errs;
}

export const leasesStrategy = defineStrategy({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  model: 'V1Lease',
  nameRule: nameIsDNSSubdomain,
  validateSpec: (obj) => validateLeaseSpec(obj['spec']),
  allowCreateOnUpdate: true,
});
