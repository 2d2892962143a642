export { createStatefulSetController, statusEqual, type StatefulSetControllerOptions } from './controller.js';
export { computeStatus, planStatefulSet, revisions, type StatefulSetPlan, type Step } from './plan.js';
export * from './identity.js';
