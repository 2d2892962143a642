// Every message the decoder knows, in one table. Each part is a file per API package so that a
// reader can hold one package's messages side by side with its generated.proto.

import type { MessageTable } from '../schema.js';
import { APPS_MESSAGES } from './apps.js';
import { BATCH_MESSAGES } from './batch.js';
import { COORDINATION_MESSAGES } from './coordination.js';
import { CORE_OBJECT_MESSAGES } from './core-objects.js';
import { CORE_POD_SPEC_MESSAGES } from './core-pod-spec.js';
import { CORE_POD_STATUS_MESSAGES } from './core-pod-status.js';
import { CORE_VOLUME_MESSAGES } from './core-volumes.js';
import { META_MESSAGES } from './meta.js';

export const MESSAGES: MessageTable = {
  ...META_MESSAGES,
  ...CORE_OBJECT_MESSAGES,
  ...CORE_POD_SPEC_MESSAGES,
  ...CORE_VOLUME_MESSAGES,
  ...CORE_POD_STATUS_MESSAGES,
  ...APPS_MESSAGES,
  ...BATCH_MESSAGES,
  ...COORDINATION_MESSAGES,
};
