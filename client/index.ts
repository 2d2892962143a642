// The client library every component imports: `import { createClientSet, ... } from '../client/index.js'`.

export * from './types.js';
export { createClientSet, RestClientSet, type ClientSetOptions } from './clientset.js';
export { RestTransport, RestResourceClient, collectionPath, objectPath, statusError, isUnreachable } from './rest.js';
export type { RestConfig, ListOptions, WatchOptions, ObjectList, WatchEvent, WatchEventType } from './rest.js';
export { loadKubeconfig, loadKubeconfigs, parseKubeconfig, restConfigFromDoc, KubeconfigError, type KubeconfigOptions } from './kubeconfig.js';
export { kubeconfigPaths, readKubeconfigs, mergeKubeconfigDocs, parseKubeconfigDoc, type KubeconfigDoc, type NamedEntry, type LoadedKubeconfigs } from './kubeconfig-merge.js';
export { parseClientFlags, restConfigFromFlags, clientConfigFromArgs, FlagError, type ClientFlags } from './flags.js';
export { SharedInformer, type SharedInformerOptions } from './informer.js';
export { Reflector, isExpired, type ListerWatcher, type ReflectorSink } from './reflector.js';
export { IndexedCache, indexValues } from './cache.js';
export { createWorkQueue, RateLimitedWorkQueue, type WorkQueueOptions } from './workqueue.js';
export { defaultControllerRateLimiter, ItemExponentialRateLimiter, BucketRateLimiter, MaxOfRateLimiter, type RateLimiter } from './rate-limiter.js';
export { runWorkers, type Reconcile, type ReconcileResult } from './workers.js';
export { LeaderElector, microTime, defaultIdentity, type LeaderElectionConfig, type Lease, type LeaseSpec } from './leader-election.js';
export { ApiEventRecorder, type CoreEvent } from './events.js';
export { Backoff, sleep, type BackoffOptions } from './backoff.js';
export { stderrLogger, silentLogger, errorText, type Logger } from './log.js';
