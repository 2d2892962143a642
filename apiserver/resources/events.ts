// core/v1 Event, the legacy events API that kubectl describe reads. Events are accepted nearly
// as sent; the one rule of the v1 API is that an old-style event (no eventTime) lives in the
// namespace of the object it is about. PUT may create them, as in Kubernetes.

import { fieldError, type FieldError } from '../api/field-errors.js';
import { asObject, asString, type Obj } from '../admission/validation/json-access.js';
import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { defineStrategy } from './define-strategy.js';

function validateEvent(obj: Obj): FieldError[] {
  if (obj['eventTime']) return [];
  const namespace = asString(asObject(obj['metadata'])?.['namespace']) ?? '';
  const involvedNamespace = asString(asObject(obj['involvedObject'])?.['namespace']) ?? '';
  // Events about cluster-scoped objects go to "default" (or no namespace, for old clients).
  const ok = involvedNamespace === '' ? namespace === '' || namespace === 'default' : namespace === involvedNamespace;
  return ok ? [] : [fieldError.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace')];
}

export const eventsStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  model: 'CoreV1Event',
  nameRule: nameIsDNSSubdomain,
  validateSpec: validateEvent,
  allowCreateOnUpdate: true,
  selectableFields(obj) {
    const involved = asObject(obj['involvedObject']) ?? {};
    const s = (o: Obj, k: string): string => asString(o[k]) ?? '';
    const source = s(asObject(obj['source']) ?? {}, 'component') || s(obj, 'reportingComponent');
    return {
      'involvedObject.kind': s(involved, 'kind'),
      'involvedObject.namespace': s(involved, 'namespace'),
      'involvedObject.name': s(involved, 'name'),
      'involvedObject.uid': s(involved, 'uid'),
      'involvedObject.apiVersion': s(involved, 'apiVersion'),
      'involvedObject.resourceVersion': s(involved, 'resourceVersion'),
      'involvedObject.fieldPath': s(involved, 'fieldPath'),
      reason: s(obj, 'reason'),
      reportingComponent: s(obj, 'reportingComponent'),
      source,
      type: s(obj, 'type'),
    };
  },
});
