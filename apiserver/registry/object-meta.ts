// The metadata rules every kind shares, applied by the registry around the kind's own hooks:
// identity (uid, creationTimestamp, generateName), what a client may not set or change, and
// generation, which counts changes to the desired state only.

import { randomUUID, randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../api/object.js';

/** Kubernetes' alphabet for generated name suffixes: no vowels (no accidental words), no 0/1/3 look-alikes. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_NAME_LENGTH = 63;

export function generateName(base: string): string {
  // The base is cut so that base + 5 characters still fits a 63-character name.
  const prefix = base.length > MAX_NAME_LENGTH - 5 ? base.slice(0, MAX_NAME_LENGTH - 5) : base;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return prefix + suffix;
}

/** RFC 3339 at second precision, as metav1.Time serializes. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Kinds whose metadata.generation counts spec changes (their controllers report observedGeneration). */
const GENERATION_GROUPS = new Set(['apps', 'batch']);

export function tracksGeneration(group: string): boolean {
  return GENERATION_GROUPS.has(group);
}

/** Fields set by the server on create, whatever the client sent. */
export function fillSystemFieldsOnCreate(obj: KubeObject, now: Date, group: string): void {
  const m = obj.metadata;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp(now) as unknown as Date;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (tracksGeneration(group)) m.generation = 1;
  else delete m.generation;
}

/** What an update may not change is carried over from the stored object. */
export function keepSystemFieldsOnUpdate(obj: KubeObject, old: KubeObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  setOrDelete(m, 'deletionTimestamp', o.deletionTimestamp);
  setOrDelete(m, 'deletionGracePeriodSeconds', o.deletionGracePeriodSeconds);
  setOrDelete(m, 'generation', o.generation);
  delete m.selfLink;
}

function setOrDelete<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/** Everything but metadata and status: what a change of counts as a new generation. */
function desiredState(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export function bumpGenerationIfSpecChanged(obj: KubeObject, old: KubeObject, group: string): void {
  if (!tracksGeneration(group)) return;
  const gen = old.metadata.generation ?? 1;
  obj.metadata.generation = isDeepStrictEqual(desiredState(obj), desiredState(old)) ? gen : gen + 1;
}

/**
 * True when a write would store exactly what is stored: such writes are skipped and keep the
 * resourceVersion, as in Kubernetes. The time stamps of managedFields entries do not count, so a
 * no-op update by a manager is still a no-op; a change of ownership does count.
 */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { resourceVersion: _rv, managedFields, ...meta } = o.metadata;
    const owners = (managedFields ?? []).map(({ time: _t, ...entry }) => entry);
    return { ...o, metadata: { ...meta, managedFields: owners } };
  };
  return isDeepStrictEqual(JSON.parse(JSON.stringify(strip(a))), JSON.parse(JSON.stringify(strip(b))));
}
