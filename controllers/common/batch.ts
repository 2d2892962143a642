// slowStartBatch (pkg/controller/replicaset/replica_set.go): run `count` calls in batches of 1, 2,
// 4, ... each batch in parallel, and stop at the first batch with a failure. A quota or admission
// error then costs one request, not hundreds, while a healthy create still ramps up quickly.

export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.length - results.filter((r) => r.status === 'rejected').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
  }
  return { successes };
}

/** An object shaped for EventRecorder: lister items from a LIST carry no apiVersion/kind. */
export function withKind<T extends { metadata?: unknown }>(obj: T, apiVersion: string, kind: string): T & { apiVersion: string; kind: string } {
  return { ...obj, apiVersion, kind };
}
