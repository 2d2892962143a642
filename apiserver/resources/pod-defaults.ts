// The defaults Kubernetes gives a pod spec (pkg/apis/core/v1/defaults.go and the generated
// SetObjectDefaults_* that walk into containers, ports, probes and volumes). Pod templates of
// controllers get defaultPodSpec only; pods themselves also get defaultPodOnly (SetDefaults_Pod),
// which Kubernetes keeps out of templates so that template hashes stay stable across upgrades.

import {
  asObject,
  asString,
  ensureObject,
  objectList,
  setDefault,
  setDefaultString,
  type Obj,
} from '../admission/validation/json-access.js';

/** Mode 0644, the default file mode of secret, configMap, downwardAPI and projected volumes. */
const DEFAULT_VOLUME_MODE = 420;

/**
 * imagePullPolicy: Always for `:latest` or no tag (an image that can move), IfNotPresent
 * otherwise, including an image pinned by digest.
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const tag = colon > lastSlash ? ref.slice(colon + 1) : '';
  if (tag === '') return at >= 0 ? 'IfNotPresent' : 'Always';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probeValue: unknown): void {
  const probe = asObject(probeValue);
  if (!probe) return;
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (!probe[k]) probe[k] = v;
  }
  const httpGet = asObject(probe['httpGet']);
  if (httpGet) {
    setDefaultString(httpGet, 'path', '/');
    setDefaultString(httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: Obj): void {
  setDefaultString(c, 'imagePullPolicy', defaultPullPolicy(asString(c['image']) ?? ''));
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  // ResourceRequirements is a struct, not a pointer: Kubernetes always serializes it, as {}.
  setDefault(c, 'resources', {});
  for (const port of objectList(c['ports'])) setDefaultString(port, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  for (const env of objectList(c['env'])) {
    const fieldRef = asObject(asObject(env['valueFrom'])?.['fieldRef']);
    if (fieldRef) setDefaultString(fieldRef, 'apiVersion', 'v1');
  }
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos',
  'csi', 'ephemeral', 'image',
];

function defaultVolume(v: Obj): void {
  // A volume that names no source is an emptyDir.
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v['emptyDir'] = {};
  for (const s of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const source = asObject(v[s]);
    if (source) setDefault(source, 'defaultMode', DEFAULT_VOLUME_MODE);
  }
  const hostPath = asObject(v['hostPath']);
  if (hostPath) setDefault(hostPath, 'type', '');
}

/** SetDefaults_PodSpec and what it reaches: containers, init containers, volumes. */
export function defaultPodSpec(spec: Obj): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefaultString(spec, 'schedulerName', 'default-scheduler');
  for (const c of [...objectList(spec['containers']), ...objectList(spec['initContainers'])]) defaultContainer(c);
  for (const v of objectList(spec['volumes'])) defaultVolume(v);
  // v1 keeps the deprecated serviceAccount as a mirror of serviceAccountName (conversion).
  const sa = asString(spec['serviceAccountName']) || asString(spec['serviceAccount']);
  if (sa) {
    spec['serviceAccountName'] = sa;
    spec['serviceAccount'] = sa;
  }
}

/** A controller's pod template: its spec gets the pod spec defaults. */
export function defaultPodTemplate(templateValue: unknown): void {
  const template = asObject(templateValue);
  if (!template) return;
  defaultPodSpec(ensureObject(template, 'spec'));
}

/** SetDefaults_Pod: what only a pod (not a template) gets. */
export function defaultPodOnly(spec: Obj): void {
  for (const c of [...objectList(spec['containers']), ...objectList(spec['initContainers'])]) {
    // Limits without requests: requests default to the limits (what makes such a pod Guaranteed).
    const resources = asObject(c['resources']);
    const limits = asObject(resources?.['limits']);
    if (resources && limits) {
      const requests = ensureObject(resources, 'requests');
      for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
  if (spec['hostNetwork'] === true) {
    // With the host's network, a container port is a host port.
    for (const c of [...objectList(spec['containers']), ...objectList(spec['initContainers'])]) {
      for (const port of objectList(c['ports'])) if (!port['hostPort']) port['hostPort'] = port['containerPort'];
    }
  }
}
