// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.

import type { FilterPlugin } from '../framework.js';
import { TAINT_UNSCHEDULABLE, toleratesAny } from './taint-toleration.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export const nodeUnschedulableFilter: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(ctx, ni) {
    if (!ni.node?.spec?.unschedulable) return [];
    const tolerated = toleratesAny(ctx.pod.spec?.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
    return tolerated ? [] : [ERR_REASON_UNSCHEDULABLE];
  },
};
