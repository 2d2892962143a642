import { describe, expect, it } from 'vitest';
import { deploymentStatus } from './rollout.js';

const d = (status: Record<string, number>, replicas = 3, generation = 2) => ({ metadata: { name: 'web', generation }, spec: { replicas }, status: { observedGeneration: 2, ...status } });

describe('rollout status messages', () => {
  it('follows kubectl\'s order of checks', () => {
    expect(deploymentStatus(d({}, 3, 3)).message).toBe('Waiting for deployment spec update to be observed...\n');
    expect(deploymentStatus(d({ updatedReplicas: 1, replicas: 4 })).message).toBe('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n');
    expect(deploymentStatus(d({ updatedReplicas: 3, replicas: 4 })).message).toBe('Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n');
    expect(deploymentStatus(d({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message).toBe('Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n');
    expect(deploymentStatus(d({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toEqual({ message: 'deployment "web" successfully rolled out\n', done: true });
  });
});
