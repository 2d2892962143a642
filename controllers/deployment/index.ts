export { createDeploymentController, type DeploymentControllerOptions } from './controller.js';
export { computeHash } from './hash.js';
export { MESSAGES, REASONS } from './conditions.js';
export { rolloutStatus } from './rollout-status.js';
export * from './util.js';
