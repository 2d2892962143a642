// What every Kubernetes cluster has from its first second: the namespaces that clients assume exist
// (kubectl's default namespace is "default"; node heartbeats live in kube-node-lease). Any
// apiserver may create them; AlreadyExists from a sibling apiserver is the expected outcome.

import type { Logger } from 'pino';
import { ApiError } from './api/status.js';
import type { Registry } from './registry/registry.js';
import { findStrategy } from './resources/catalog.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function ensureSystemNamespaces(registry: Registry, log: Logger): Promise<void> {
  const s = findStrategy('', 'namespaces');
  if (!s) return;
  for (let attempt = 0; ; attempt++) {
    try {
      for (const name of SYSTEM_NAMESPACES) {
        if (await registry.storage.tryGet(registry.key(s, undefined, name))) continue;
        try {
          await registry.create(s, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Ignore', warnings: [] });
        } catch (err) {
          if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
        }
      }
      return;
    } catch (err) {
      // The store may not be up yet: keep trying, the apiserver serves meanwhile.
      if (attempt % 10 === 0) log.warn({ err: String(err) }, 'could not create the system namespaces yet; retrying');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}
