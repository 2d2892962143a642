// Owner references and controller refs (apimachinery metav1.GetControllerOf / NewControllerRef).

import type { V1OwnerReference } from '@kubernetes/client-node';
import type { KubeObject } from '../../client/types.js';

/** The ownerReference with controller: true, if any (an object has at most one). */
export function controllerRefOf(obj: KubeObject): V1OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/**
 * The reference a controller puts on what it creates or adopts. blockOwnerDeletion keeps a
 * foreground deletion of the owner waiting for this dependent.
 */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): V1OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
