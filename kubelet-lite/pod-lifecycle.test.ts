import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, DEFAULT_TIMING, nextPodStatus, podTiming, restartDelayMs, type LifecycleEvent, type PodStep } from './pod-lifecycle.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): number => T0 + s * 1000;
const iso = (s: number): string => new Date(at(s)).toISOString().replace(/\.\d{3}Z$/, 'Z');
const placement = { hostIP: '172.18.0.2', podIP: '10.244.1.2' };

function makePod(opts: { annotations?: Record<string, string>; restartPolicy?: string; containers?: V1Container[]; initContainers?: V1Container[] } = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', annotations: opts.annotations ?? {} },
    spec: {
      nodeName: 'node-1',
      restartPolicy: opts.restartPolicy ?? 'Always',
      containers: opts.containers ?? [{ name: 'web', image: 'nginx', imagePullPolicy: 'Always' }],
      ...(opts.initContainers ? { initContainers: opts.initContainers } : {}),
    },
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as Date, lastTransitionTime: iso(0) as unknown as Date }] },
  };
}

/** Evaluates the pod at each time (seconds after T0), writing each status back like the node does. */
function run(pod: V1Pod, seconds: number[]): { pod: V1Pod; steps: PodStep[] } {
  const steps: PodStep[] = [];
  for (const s of seconds) {
    const step = nextPodStatus(pod, at(s), placement, podTiming(pod, DEFAULT_TIMING));
    steps.push(step);
    if (step.changed) pod = { ...pod, status: step.status };
  }
  return { pod, steps };
}

const cond = (step: PodStep, type: string) => step.status.conditions?.find((c) => c.type === type);
const state = (step: PodStep) => step.status.containerStatuses?.[0]?.state;
const reasons = (events: LifecycleEvent[]) => events.map((e) => e.reason);

describe('restartDelayMs (the kubelet back-off)', () => {
  it.each([
    [1, 0],
    [2, 10_000],
    [3, 20_000],
    [4, 40_000],
    [6, 160_000],
    [7, 300_000],
    [12, 300_000],
  ])('restart %i waits %i ms', (restart, ms) => {
    expect(restartDelayMs(restart, DEFAULT_TIMING)).toBe(ms);
  });
});

describe('podTiming', () => {
  it.each([
    [{}, { startDelayMs: 1000, readyDelayMs: 1000, runMs: undefined, exitCode: 0, stopMs: 1000 }],
    [{ [ANNOTATIONS.startDelay]: '2.5', [ANNOTATIONS.readyDelay]: '0' }, { startDelayMs: 2500, readyDelayMs: 0, runMs: undefined, exitCode: 0, stopMs: 1000 }],
    [{ [ANNOTATIONS.runSeconds]: '5', [ANNOTATIONS.exitCode]: '3', [ANNOTATIONS.stopSeconds]: '60' }, { startDelayMs: 1000, readyDelayMs: 1000, runMs: 5000, exitCode: 3, stopMs: 60_000 }],
    [{ [ANNOTATIONS.runSeconds]: 'soon', [ANNOTATIONS.exitCode]: 'x', [ANNOTATIONS.startDelay]: '-1' }, { startDelayMs: 1000, readyDelayMs: 1000, runMs: undefined, exitCode: 0, stopMs: 1000 }],
  ])('%j', (annotations, want) => {
    expect(podTiming(makePod({ annotations }), DEFAULT_TIMING)).toMatchObject(want);
  });
});

describe('a pod that runs forever', () => {
  const { steps } = run(makePod(), [0, 1, 2, 3]);

  it.each([
    // t, phase, state key, ready, Ready, PodReadyToStartContainers, podIP, events, recheck
    [0, 'Pending', 'waiting', false, 'False', 'False', undefined, ['Pulling'], 1000],
    [1, 'Running', 'running', false, 'False', 'True', '10.244.1.2', ['Pulled', 'Created', 'Started'], 1000],
    [2, 'Running', 'running', true, 'True', 'True', '10.244.1.2', [], undefined],
  ] as const)('t=%is: %s %s ready=%s', (t, phase, stateKey, ready, readyCond, sandbox, podIP, events, recheck) => {
    const step = steps[t]!;
    expect(step.changed).toBe(true);
    expect(step.status.phase).toBe(phase);
    expect(Object.keys(state(step)!)).toEqual([stateKey]);
    expect(step.status.containerStatuses![0]!.ready).toBe(ready);
    expect(cond(step, 'Ready')!.status).toBe(readyCond);
    expect(cond(step, 'ContainersReady')!.status).toBe(readyCond);
    expect(cond(step, 'PodReadyToStartContainers')!.status).toBe(sandbox);
    expect(step.status.podIP).toBe(podIP);
    expect(reasons(step.events)).toEqual(events);
    expect(step.recheckInMs).toBe(recheck);
    expect(step.remove).toBe(false);
  });

  it('has nothing more to say once ready', () => {
    expect(steps[3]!.changed).toBe(false);
    expect(steps[3]!.events).toEqual([]);
  });

  it('reports the first status like the kubelet does', () => {
    const s = steps[0]!.status;
    expect(s.startTime).toBe(iso(0));
    expect(s.hostIP).toBe('172.18.0.2');
    expect(s.hostIPs).toEqual([{ ip: '172.18.0.2' }]);
    expect(s.qosClass).toBe('BestEffort');
    expect(s.containerStatuses).toEqual([
      { name: 'web', image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, started: false },
    ]);
    expect(s.conditions!.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['PodReadyToStartContainers', 'False', undefined, undefined],
      ['Initialized', 'True', undefined, undefined],
      ['Ready', 'False', 'ContainersNotReady', 'containers with unready status: [web]'],
      ['ContainersReady', 'False', 'ContainersNotReady', 'containers with unready status: [web]'],
      ['PodScheduled', 'True', undefined, undefined],
    ]);
  });

  it('reports a running container with runtime identifiers', () => {
    const cs = steps[2]!.status.containerStatuses![0]!;
    expect(cs.state).toEqual({ running: { startedAt: iso(1) } });
    expect(cs.image).toBe('docker.io/library/nginx:latest');
    expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.started).toBe(true);
    expect(steps[2]!.status.podIPs).toEqual([{ ip: '10.244.1.2' }]);
  });

  it('keeps lastTransitionTime while a condition holds', () => {
    expect(cond(steps[1]!, 'Initialized')!.lastTransitionTime).toBe(iso(0));
    expect(cond(steps[1]!, 'PodReadyToStartContainers')!.lastTransitionTime).toBe(iso(1));
    expect(cond(steps[2]!, 'Ready')!.lastTransitionTime).toBe(iso(2));
    expect(cond(steps[2]!, 'PodScheduled')!.lastTransitionTime).toBe(iso(0));
  });

  it('words its events like the kubelet', () => {
    const all = steps.flatMap((s) => s.events);
    expect(all.map((e) => [e.reason, e.message.replace(/\d+ bytes/, 'N bytes')])).toEqual([
      ['Pulling', 'Pulling image "nginx"'],
      ['Pulled', 'Successfully pulled image "nginx" in 1s (1s including waiting). Image size: N bytes.'],
      ['Created', 'Created container: web'],
      ['Started', 'Started container web'],
    ]);
  });
});

describe('a finite run (run-seconds 2, exit-code)', () => {
  // Starts at 1 s, exits at 3 s.
  it.each([
    ['Never', '0', 'Succeeded', 'Completed', 'PodCompleted'],
    ['Never', '3', 'Failed', 'Error', 'PodFailed'],
    ['OnFailure', '0', 'Succeeded', 'Completed', 'PodCompleted'],
  ])('restartPolicy %s, exit %s → %s', (restartPolicy, exitCode, phase, reason, readyReason) => {
    const { steps } = run(makePod({ restartPolicy, annotations: { [ANNOTATIONS.runSeconds]: '2', [ANNOTATIONS.exitCode]: exitCode } }), [0, 1, 2, 3, 4]);
    const done = steps[3]!;
    expect(done.status.phase).toBe(phase);
    expect(state(done)).toEqual({ terminated: expect.objectContaining({ exitCode: Number(exitCode), reason, startedAt: iso(1), finishedAt: iso(3) }) });
    expect(cond(done, 'Ready')).toMatchObject({ status: 'False', reason: readyReason });
    expect(cond(done, 'ContainersReady')).toMatchObject({ status: 'False', reason: readyReason });
    expect(cond(done, 'PodReadyToStartContainers')!.status).toBe('False');
    expect(done.recheckInMs).toBeUndefined();
    expect(done.remove).toBe(false);
    expect(steps[4]!.changed).toBe(false);
    // Still running (not ready yet at 1 s, ready at 2 s, due to exit at 3 s).
    expect(steps[2]!.recheckInMs).toBe(1000);
  });

  it.each([
    ['OnFailure', '1'],
    ['Always', '1'],
    ['Always', '0'],
  ])('restartPolicy %s, exit %s → restarts, then backs off 10 s', (restartPolicy, exitCode) => {
    const { steps } = run(makePod({ restartPolicy, annotations: { [ANNOTATIONS.runSeconds]: '2', [ANNOTATIONS.exitCode]: exitCode } }), [0, 1, 3, 5, 14, 15]);
    const reason = exitCode === '0' ? 'Completed' : 'Error';
    // 3 s: exited and restarted at once (the first restart has no back-off).
    const first = steps[2]!.status.containerStatuses![0]!;
    expect(steps[2]!.status.phase).toBe('Running');
    expect(first.restartCount).toBe(1);
    expect(first.state).toEqual({ running: { startedAt: iso(3) } });
    expect(first.lastState).toEqual({ terminated: expect.objectContaining({ exitCode: Number(exitCode), reason, startedAt: iso(1), finishedAt: iso(3) }) });
    expect(reasons(steps[2]!.events)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    // 5 s: exited again: CrashLoopBackOff for 10 s.
    const backoff = steps[3]!.status.containerStatuses![0]!;
    expect(steps[3]!.status.phase).toBe('Running');
    expect(backoff.restartCount).toBe(1);
    expect(backoff.state).toEqual({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=web pod=web_default(u1)' } });
    expect(backoff.lastState?.terminated).toMatchObject({ startedAt: iso(3), finishedAt: iso(5) });
    expect(steps[3]!.events).toEqual([
      { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container web in pod web_default(u1)', key: 'u1/web/1/BackOff' },
    ]);
    expect(steps[3]!.recheckInMs).toBe(10_000);
    expect(cond(steps[3]!, 'Ready')!.status).toBe('False');
    // 14 s: still backing off; 15 s: restart number 2.
    expect(steps[4]!.changed).toBe(false);
    expect(steps[5]!.status.containerStatuses![0]).toMatchObject({ restartCount: 2, state: { running: { startedAt: iso(15) } } });
  });

  it('catches up after a long absence exactly as if it had watched every second', () => {
    const annotations = { [ANNOTATIONS.runSeconds]: '2', [ANNOTATIONS.exitCode]: '1' };
    const stepwise = run(makePod({ annotations }), Array.from({ length: 101 }, (_, i) => i));
    const jump = run(makePod({ annotations }), [0, 1, 100]);
    expect(jump.pod.status!.containerStatuses).toEqual(stepwise.pod.status!.containerStatuses);
    // Starts at 1; exits 3, 5, 17, 39, 81 with back-offs 0, 10, 20, 40, then 80 s.
    expect(jump.pod.status!.containerStatuses![0]).toMatchObject({
      restartCount: 4,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container=web pod=web_default(u1)' } },
      lastState: { terminated: { startedAt: iso(79), finishedAt: iso(81) } },
    });
  });
});

describe('graceful deletion', () => {
  const deleteAt = (pod: V1Pod, s: number, grace: number): V1Pod => ({
    ...pod,
    metadata: { ...pod.metadata, deletionTimestamp: iso(s + grace) as unknown as Date, deletionGracePeriodSeconds: grace },
  });

  it('stops the containers, reports a terminal phase, then asks for the final delete', () => {
    const ready = run(makePod(), [0, 1, 2]).pod;
    // Accepted at 10 s (deletionTimestamp 40 s): the stop counts from 11 s and takes 1 s.
    const { steps } = run(deleteAt(ready, 10, 30), [10, 11, 12]);
    expect(steps[0]!.events).toEqual([{ type: 'Normal', reason: 'Killing', message: 'Stopping container web', key: 'u1/web/0/Killing' }]);
    expect(steps[0]!.status.containerStatuses![0]!.ready).toBe(false);
    expect(cond(steps[0]!, 'Ready')!.status).toBe('False');
    expect(steps[0]!.recheckInMs).toBe(2000);
    expect(steps[0]!.remove).toBe(false);
    // Same state a second later: the Killing event comes again with the same key (the node records it once).
    expect(steps[1]!.changed).toBe(false);
    expect(steps[1]!.events.map((e) => e.key)).toEqual(['u1/web/0/Killing']);
    const done = steps[2]!;
    expect(done.status.phase).toBe('Succeeded');
    expect(state(done)).toEqual({ terminated: expect.objectContaining({ exitCode: 0, reason: 'Completed', startedAt: iso(1), finishedAt: iso(12) }) });
    expect(done.remove).toBe(true);
  });

  it('kills a container that outlasts the grace period (137)', () => {
    const ready = run(makePod({ annotations: { [ANNOTATIONS.stopSeconds]: '60' } }), [0, 1, 2]).pod;
    const { steps } = run(deleteAt(ready, 10, 5), [10, 15, 16]);
    expect(steps[1]!.remove).toBe(false);
    expect(steps[2]!.status.phase).toBe('Failed');
    expect(state(steps[2]!)!.terminated).toMatchObject({ exitCode: 137, reason: 'Error', finishedAt: iso(16) });
    expect(steps[2]!.remove).toBe(true);
  });

  it.each([
    ['never seen', [] as number[], 5],
    ['still creating', [0], 0.5],
  ])('a pod deleted while %s is removed at once', (_, before, t) => {
    const pod = run(makePod(), before).pod;
    const step = nextPodStatus(deleteAt(pod, t, 30), at(t), placement, DEFAULT_TIMING);
    expect(step.remove).toBe(true);
    expect(step.changed).toBe(false);
  });

  it('a finished pod that is being deleted only waits for the final delete', () => {
    const done = run(makePod({ restartPolicy: 'Never', annotations: { [ANNOTATIONS.runSeconds]: '1' } }), [0, 1, 2]).pod;
    expect(done.status!.phase).toBe('Succeeded');
    const step = nextPodStatus(deleteAt(done, 5, 30), at(5), placement, DEFAULT_TIMING);
    expect(step).toMatchObject({ changed: false, remove: true, events: [] });
  });

  it('a pod in CrashLoopBackOff ends Failed with ContainerStatusUnknown', () => {
    const looping = run(makePod({ annotations: { [ANNOTATIONS.runSeconds]: '2', [ANNOTATIONS.exitCode]: '1' } }), [0, 1, 3, 5]).pod;
    const { steps } = run(deleteAt(looping, 6, 30), [6, 8]);
    expect(steps[0]!.events).toEqual([]);
    expect(steps[1]!.status.phase).toBe('Failed');
    expect(state(steps[1]!)).toEqual({ terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } });
    expect(steps[1]!.remove).toBe(true);
  });
});

describe('init containers and several containers', () => {
  it('initializes, then runs every container', () => {
    const pod = makePod({
      initContainers: [{ name: 'setup', image: 'busybox:1.36' }],
      containers: [
        { name: 'web', image: 'nginx:1.27' },
        { name: 'sidecar', image: 'ghcr.io/example/agent:v1' },
      ],
    });
    const { steps } = run(pod, [0, 1, 2]);
    expect(steps[0]!.status.initContainerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(steps[0]!.status.containerStatuses!.map((c) => c.state)).toEqual([{ waiting: { reason: 'PodInitializing' } }, { waiting: { reason: 'PodInitializing' } }]);
    expect(cond(steps[0]!, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [setup]' });
    expect(cond(steps[0]!, 'Ready')!.message).toBe('containers with unready status: [web sidecar]');
    expect(steps[1]!.status.initContainerStatuses![0]).toMatchObject({ ready: true, state: { terminated: { exitCode: 0, reason: 'Completed' } }, image: 'docker.io/library/busybox:1.36' });
    expect(cond(steps[1]!, 'Initialized')!.status).toBe('True');
    expect(steps[1]!.status.containerStatuses!.map((c) => c.image)).toEqual(['docker.io/library/nginx:1.27', 'ghcr.io/example/agent:v1']);
    expect(reasons(steps[1]!.events)).toEqual(['Pulled', 'Created', 'Started', 'Pulled', 'Created', 'Started']);
    expect(cond(steps[2]!, 'Ready')!.status).toBe('True');
  });

  it('hostNetwork pods take the node address', () => {
    const pod = makePod();
    pod.spec!.hostNetwork = true;
    const { steps } = run(pod, [0, 1]);
    expect(steps[1]!.status.podIP).toBe('172.18.0.2');
  });

  it('honours readiness gates', () => {
    const pod = makePod();
    pod.spec!.readinessGates = [{ conditionType: 'example.com/lb' }];
    const { steps } = run(pod, [0, 1, 2]);
    expect(cond(steps[2]!, 'ContainersReady')!.status).toBe('True');
    expect(cond(steps[2]!, 'Ready')).toMatchObject({ status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.' });
  });
});
