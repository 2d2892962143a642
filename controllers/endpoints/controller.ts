// The endpoints controller (Kubernetes' endpoints_controller.go): for every Service with a
// selector, an Endpoints object of the same name listing the selected pods' addresses (ready and
// not ready) and resolved ports. Written only when it differs; removed with its Service. Services
// without a selector are left to their users, who manage those Endpoints by hand.

import type { V1Endpoints, V1Pod, V1Service } from '@kubernetes/client-node';
import { RESOURCES, isNotFound, objectKey, splitKey, type ClientSet, type KubeObject, type ResourceRef } from '../../client/types.js';
import type { Controller, ReconcileResult } from '../common/controller.js';
import { buildSubsets, endpointsLabels, sameSubsets, selects } from './subsets.js';

type Service = V1Service & KubeObject;
type Pod = V1Pod & KubeObject;
type Endpoints = V1Endpoints & KubeObject;

export class EndpointsController implements Controller {
  readonly name = 'endpoint';
  readonly watches: readonly ResourceRef[] = [RESOURCES.services, RESOURCES.pods, RESOURCES.endpoints];

  constructor(private readonly cs: ClientSet) {}

  register(cs: ClientSet, enqueue: (key: string) => void): void {
    const services = cs.informer<Service>(RESOURCES.services).lister;
    const svc = (s: Service) => enqueue(objectKey(s));
    cs.informer<Service>(RESOURCES.services).addHandler({ onAdd: svc, onUpdate: (_o, n) => svc(n), onDelete: svc });
    // Every service that selects the pod, before or after the change (a label change moves it).
    const pod = (...pods: Pod[]) => {
      const keys = new Set<string>();
      for (const p of pods) {
        for (const s of services.list(p.metadata.namespace)) {
          if (s.spec?.selector && selects(s.spec.selector, p.metadata.labels)) keys.add(objectKey(s));
        }
      }
      for (const k of keys) enqueue(k);
    };
    cs.informer<Pod>(RESOURCES.pods).addHandler({ onAdd: (p) => pod(p), onUpdate: (o, n) => pod(o, n), onDelete: (p) => pod(p) });
    // Someone deleted an Endpoints we manage: put it back.
    cs.informer<Endpoints>(RESOURCES.endpoints).addHandler({
      onDelete: (e) => {
        if (services.get(e.metadata.namespace, e.metadata.name ?? '')) enqueue(objectKey(e));
      },
    });
  }

  async reconcile(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const client = this.cs.client<Endpoints>(RESOURCES.endpoints);
    const service = this.cs.informer<Service>(RESOURCES.services).lister.get(namespace, name);
    if (!service) {
      // The Service is gone: so are its Endpoints (Kubernetes deletes them too).
      try {
        await client.delete(namespace, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    const selector = service.spec?.selector;
    if (!selector) return;

    const pods = this.cs.informer<Pod>(RESOURCES.pods).lister.list(namespace).filter((p) => selects(selector, p.metadata.labels));
    const subsets = buildSubsets(service, pods);
    const labels = endpointsLabels(service);
    const current = this.cs.informer<Endpoints>(RESOURCES.endpoints).lister.get(namespace, name);

    if (!current) {
      await client.create(namespace, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets });
      return;
    }
    if (sameSubsets(current.subsets, subsets) && JSON.stringify(sortedEntries(current.metadata.labels)) === JSON.stringify(sortedEntries(labels))) return;
    await client.update({ ...current, metadata: { ...current.metadata, labels }, subsets });
  }
}

const sortedEntries = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
