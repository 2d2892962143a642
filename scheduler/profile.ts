// The plugins this scheduler runs, in Kubernetes 1.32's default-profile order and weights
// (NodeResourcesFit 1, BalancedAllocation 1, TaintToleration 3, NodeAffinity 2, and the spread
// score at PodTopologySpread's weight 2). A node is rejected by the first filter that fails, so
// the order decides which reason a node reports when several apply.

import type { FilterPlugin, ScorePlugin } from './framework.js';
import { nodeAffinityFilter, nodeAffinityScore } from './plugins/node-affinity.js';
import { nodePortsFilter } from './plugins/node-ports.js';
import { balancedAllocationScorePlugin, leastAllocatedScorePlugin, nodeResourcesFitFilter } from './plugins/node-resources.js';
import { nodeUnschedulableFilter } from './plugins/node-unschedulable.js';
import { spreadScore } from './plugins/spread.js';
import { taintTolerationFilter, taintTolerationScore } from './plugins/taint-toleration.js';

export interface Profile {
  schedulerName: string;
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export const defaultProfile: Profile = {
  schedulerName: DEFAULT_SCHEDULER_NAME,
  filters: [nodeUnschedulableFilter, taintTolerationFilter, nodeAffinityFilter, nodePortsFilter, nodeResourcesFitFilter],
  scores: [taintTolerationScore, nodeAffinityScore, leastAllocatedScorePlugin, spreadScore, balancedAllocationScorePlugin],
};
