// Admission: the checks and side effects that need the store, run after a kind's own validation.
//   - namespace lifecycle: objects go only into namespaces that exist and are not terminating;
//   - ownerReferences: well-formed, at most one controller;
//   - services: cluster IP allocation (and release when the create fails or the service is deleted).

import { errors } from '../api/status.js';
import { fieldError, type FieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import type { ResourceStrategy } from '../resources/strategy.js';
import { ClusterIpAllocator, inServiceRange } from './cluster-ip.js';
import { objectKey, type ObjectStorage } from './storage.js';
import type { EtcdClient } from '../../store/client/index.js';

export class Admission {
  private readonly ips: ClusterIpAllocator;

  constructor(
    private readonly storage: ObjectStorage,
    etcd?: EtcdClient,
  ) {
    this.ips = new ClusterIpAllocator(etcd ?? storage.etcdClient);
  }

  async admitCreate(s: ResourceStrategy, obj: KubeObject, dryRun: boolean): Promise<void> {
    const ownerErrors = validateOwnerReferences(obj);
    if (ownerErrors.length > 0) throw errors.invalid(s.group, s.kind, obj.metadata.name ?? '', ownerErrors);
    if (s.namespaced) await this.checkNamespace(obj.metadata.namespace!);
    if (s.group === '' && s.plural === 'services' && !dryRun) await this.allocateClusterIp(s, obj);
  }

  /** Runs when the store refused a create that admission already had side effects for. */
  async undoCreate(s: ResourceStrategy, obj: KubeObject): Promise<void> {
    if (s.group === '' && s.plural === 'services') await this.releaseClusterIp(obj);
  }

  async afterDelete(s: ResourceStrategy, obj: KubeObject): Promise<void> {
    if (s.group === '' && s.plural === 'services') await this.releaseClusterIp(obj);
  }

  admitUpdate(s: ResourceStrategy, obj: KubeObject): void {
    const ownerErrors = validateOwnerReferences(obj);
    if (ownerErrors.length > 0) throw errors.invalid(s.group, s.kind, obj.metadata.name ?? '', ownerErrors);
  }

  /** A namespace with spec.finalizers left is not deleted yet, even with no metadata finalizers. */
  hasPendingFinalize(s: ResourceStrategy, obj: KubeObject): boolean {
    if (s.group !== '' || s.plural !== 'namespaces') return false;
    const spec = obj['spec'] as { finalizers?: string[] } | undefined;
    return (spec?.finalizers ?? []).length > 0;
  }

  private async checkNamespace(namespace: string): Promise<void> {
    const ns = await this.storage.tryGet(objectKey('namespaces', undefined, namespace));
    if (!ns) throw errors.notFound({ group: '', plural: 'namespaces' }, namespace);
    if (ns.object.metadata.deletionTimestamp || (ns.object['status'] as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw errors.forbidden({ group: '', plural: namespace ? 'namespaces' : '' }, namespace, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  private async allocateClusterIp(s: ResourceStrategy, obj: KubeObject): Promise<void> {
    const spec = (obj['spec'] ??= {}) as { type?: string; clusterIP?: string; clusterIPs?: string[]; ipFamilies?: string[] };
    if (spec.type === 'ExternalName') return;
    const owner = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const wanted = spec.clusterIP ?? spec.clusterIPs?.[0];
    if (wanted === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      return;
    }
    if (wanted) {
      if (!inServiceRange(wanted)) {
        throw errors.invalid(s.group, s.kind, obj.metadata.name ?? '', [
          fieldError.invalid('spec.clusterIPs', [wanted], `failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is 10.96.0.0/16`),
        ]);
      }
      if (!(await this.ips.claim(wanted, owner))) {
        throw errors.invalid(s.group, s.kind, obj.metadata.name ?? '', [
          fieldError.invalid('spec.clusterIPs', [wanted], `failed to allocate IP ${wanted}: provided IP is already allocated`),
        ]);
      }
    } else {
      spec.clusterIP = await this.ips.allocate(owner);
    }
    spec.clusterIP = wanted ?? spec.clusterIP;
    spec.clusterIPs = [spec.clusterIP!];
    spec.ipFamilies ??= ['IPv4'];
  }

  private async releaseClusterIp(obj: KubeObject): Promise<void> {
    const ip = (obj['spec'] as { clusterIP?: string } | undefined)?.clusterIP;
    if (ip && ip !== 'None' && inServiceRange(ip)) await this.ips.release(ip);
  }
}

/** metav1 ownerReferences rules (apimachinery ValidateOwnerReferences). */
export function validateOwnerReferences(obj: KubeObject): FieldError[] {
  const refs = obj.metadata.ownerReferences ?? [];
  const errs: FieldError[] = [];
  const path = 'metadata.ownerReferences';
  const controllers: string[] = [];
  for (const ref of refs) {
    if (!ref.apiVersion) errs.push(fieldError.invalid(`${path}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(fieldError.invalid(`${path}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(fieldError.invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(fieldError.invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller) controllers.push(`${ref.kind}/${ref.name}`);
  }
  if (controllers.length > 1) {
    errs.push(fieldError.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return errs;
}
