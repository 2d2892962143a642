export { createDaemonSetController, statusEqual, type DaemonSetController, type DaemonSetControllerOptions } from './controller.js';
export { calculateStatus, planManage, planRollingUpdate, updatedPodsOnNode, type SyncPlan } from './plan.js';
export * from './util.js';
