// core/v1 ServiceAccount: an identity for pods. Nothing to default or check beyond its name.

import { nameIsDNSSubdomain } from '../admission/validation/names.js';
import { defineStrategy } from './define-strategy.js';

export const serviceaccountsStrategy = defineStrategy({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  model: 'V1ServiceAccount',
  nameRule: nameIsDNSSubdomain,
});
