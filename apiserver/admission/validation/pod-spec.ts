// ValidatePodSpec and ValidatePodTemplateSpec (pkg/apis/core/validation), the subset that catches
// the mistakes people make: containers, their names, images, ports and mounts, volumes, restart
// and DNS policies. Pods, and every controller's template, go through the same checks.

import { child, fieldError, index, type FieldError } from '../../api/field-errors.js';
import type { ObjectMeta } from '../../api/object.js';
import { asNumber, asObject, asString, asStringMap, objectList, type Obj } from './json-access.js';
import { inclusiveRangeError, isDNS1123Label, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { validateLabels, validateTemplateMeta } from './object-meta.js';

export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const MAX_INT32 = 2147483647;

/** One of a closed set of strings: Required when empty, NotSupported when unknown. */
function validateEnum(value: unknown, path: string, allowed: readonly string[]): FieldError[] {
  if (value === undefined || value === null || value === '') return [fieldError.required(path)];
  return allowed.includes(value as string) ? [] : [fieldError.notSupported(path, value, allowed)];
}

function validateDNS1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((msg) => fieldError.invalid(path, value, msg));
}

function validateVolumes(volumes: Obj[], path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const p = index(path, i);
    const name = asString(v['name']) ?? '';
    if (!name) errs.push(fieldError.required(child(p, 'name')));
    else errs.push(...validateDNS1123Label(name, child(p, 'name')));
    if (name && names.has(name)) errs.push(fieldError.duplicate(child(p, 'name'), name));
    names.add(name);
  });
  return { errs, names };
}

function validateContainerPorts(ports: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = index(path, i);
    const name = asString(port['name']) ?? '';
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => fieldError.invalid(child(p, 'name'), name, m)));
      else if (names.has(name)) errs.push(fieldError.duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const containerPort = asNumber(port['containerPort']) ?? 0;
    if (containerPort === 0) errs.push(fieldError.required(child(p, 'containerPort')));
    else errs.push(...isValidPortNum(containerPort).map((m) => fieldError.invalid(child(p, 'containerPort'), containerPort, m)));
    const hostPort = asNumber(port['hostPort']) ?? 0;
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => fieldError.invalid(child(p, 'hostPort'), hostPort, m)));
    errs.push(...validateEnum(port['protocol'], child(p, 'protocol'), PORT_PROTOCOLS));
  });
  return errs;
}

function validateContainer(c: Obj, path: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!asString(c['image'])) errs.push(fieldError.required(child(path, 'image')));
  errs.push(...validateEnum(c['imagePullPolicy'], child(path, 'imagePullPolicy'), PULL_POLICIES));
  const tmp = c['terminationMessagePolicy'];
  if (tmp === undefined || tmp === '') errs.push(fieldError.required(child(path, 'terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(fieldError.invalid(child(path, 'terminationMessagePolicy'), tmp, "must be 'File' or 'FallbackToLogsOnError'"));
  }
  errs.push(...validateContainerPorts(objectList(c['ports']), child(path, 'ports')));
  objectList(c['env']).forEach((e, i) => {
    if (!asString(e['name'])) errs.push(fieldError.required(child(index(child(path, 'env'), i), 'name')));
  });
  objectList(c['volumeMounts']).forEach((m, i) => {
    const p = index(child(path, 'volumeMounts'), i);
    const name = asString(m['name']) ?? '';
    if (!name) errs.push(fieldError.required(child(p, 'name')));
    else if (!volumes.has(name)) errs.push(fieldError.notFound(child(p, 'name'), name));
    if (!asString(m['mountPath'])) errs.push(fieldError.required(child(p, 'mountPath')));
  });
  return errs;
}

/**
 * Containers and init containers: names are RFC 1123 labels, unique across both lists (an init
 * container may not reuse a container's name), and each container must be runnable.
 */
function validateAllContainers(spec: Obj, path: string, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const containers = objectList(spec['containers']);
  const containersPath = child(path, 'containers');
  if (containers.length === 0) errs.push(fieldError.required(containersPath));
  const names = new Set<string>();
  const check = (list: Obj[], listPath: string): void => {
    list.forEach((c, i) => {
      const p = index(listPath, i);
      const name = asString(c['name']) ?? '';
      if (!name) errs.push(fieldError.required(child(p, 'name')));
      else {
        errs.push(...validateDNS1123Label(name, child(p, 'name')));
        if (names.has(name)) errs.push(fieldError.duplicate(child(p, 'name'), name));
      }
      names.add(name);
      errs.push(...validateContainer(c, p, volumes));
    });
  };
  check(containers, containersPath);
  check(objectList(spec['initContainers']), child(path, 'initContainers'));
  return errs;
}

/** ValidatePodSpec: `path` is 'spec' for a pod, 'spec.template.spec' for a controller's template. */
export function validatePodSpec(specValue: unknown, path: string): FieldError[] {
  const spec = asObject(specValue) ?? {};
  const { errs, names: volumes } = validateVolumes(objectList(spec['volumes']), child(path, 'volumes'));
  errs.push(...validateAllContainers(spec, path, volumes));
  errs.push(...validateEnum(spec['restartPolicy'], child(path, 'restartPolicy'), RESTART_POLICIES));
  errs.push(...validateEnum(spec['dnsPolicy'], child(path, 'dnsPolicy'), DNS_POLICIES));
  errs.push(...validateLabels(asStringMap(spec['nodeSelector']), child(path, 'nodeSelector')));
  const sa = asString(spec['serviceAccountName']);
  if (sa) errs.push(...nameIsDNSSubdomain(sa, false).map((m) => fieldError.invalid(child(path, 'serviceAccountName'), sa, m)));
  const nodeName = asString(spec['nodeName']);
  if (nodeName) errs.push(...nameIsDNSSubdomain(nodeName, false).map((m) => fieldError.invalid(child(path, 'nodeName'), nodeName, m)));
  const deadline = asNumber(spec['activeDeadlineSeconds']);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(fieldError.invalid(child(path, 'activeDeadlineSeconds'), deadline, inclusiveRangeError(1, MAX_INT32)));
  }
  const hostname = asString(spec['hostname']);
  if (hostname) errs.push(...validateDNS1123Label(hostname, child(path, 'hostname')));
  const subdomain = asString(spec['subdomain']);
  if (subdomain) errs.push(...validateDNS1123Label(subdomain, child(path, 'subdomain')));
  return errs;
}

/** ValidatePodTemplateSpec: the template's labels and annotations, then its pod spec. */
export function validatePodTemplateSpec(templateValue: unknown, path: string): FieldError[] {
  const template = asObject(templateValue) ?? {};
  return [
    ...validateTemplateMeta(asObject(template['metadata']) as ObjectMeta | undefined, child(path, 'metadata')),
    ...validatePodSpec(template['spec'], child(path, 'spec')),
  ];
}
