export { createReplicaSetController, podFromTemplate, type ReplicaSetController, type ReplicaSetControllerOptions } from './controller.js';
export { compareForDeletion, podsToDelete, POD_DELETION_COST } from './ranking.js';
export { calculateStatus } from './status.js';
