// defineStrategy(): a ResourceStrategy from the few facts that differ between kinds, with the
// defaults most kinds share (Kubernetes' generic registry defaults): unconditional updates
// allowed, no create-on-update, Background deletion, and for kinds with a status subresource a
// status reset on create.
//
// Status on update is the registry's job (registry.ts): a write to the main resource keeps the
// stored status and a write to /status keeps everything else, so prepareForUpdate here only does
// what is particular to a kind, and must not touch status (it runs for /status writes too).

import type { FieldError } from '../api/field-errors.js';
import type { KubeObject } from '../api/object.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../admission/validation/object-meta.js';
import type { NameValidator } from '../admission/validation/names.js';
import type { PropagationPolicy, ResourceStrategy, ScaleSpec } from './strategy.js';

export interface StrategyDefinition {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: readonly string[];
  categories?: readonly string[];
  model: string;
  subresources?: { status?: boolean; scale?: ScaleSpec };
  /** The metadata.name rule of this kind (ValidateObjectMeta's nameFn). */
  nameRule: NameValidator;

  defaults?(obj: KubeObject): void;
  /**
   * For kinds with a status subresource: the status an object starts with, whatever the client
   * sent (Kubernetes' PrepareForCreate). Defaults to {}.
   */
  initialStatus?(obj: KubeObject): Record<string, unknown>;
  /** Runs after the status reset on create. */
  prepareForCreate?(obj: KubeObject): void;
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** The kind's own checks; metadata checks are added by defineStrategy. */
  validateSpec?(obj: KubeObject): FieldError[];
  /** The kind's own update checks; metadata update checks are added by defineStrategy. */
  validateSpecUpdate?(obj: KubeObject, old: KubeObject): FieldError[];

  allowCreateOnUpdate?: boolean;
  allowUnconditionalUpdate?: boolean;
  defaultPropagation?: PropagationPolicy;
  gracePeriodSeconds?(obj: KubeObject): number | undefined;
  selectableFields?(obj: KubeObject): Record<string, string>;
}

export function defineStrategy(d: StrategyDefinition): ResourceStrategy {
  const hasStatus = d.subresources?.status === true;
  const strategy: ResourceStrategy = {
    group: d.group,
    version: d.version,
    kind: d.kind,
    plural: d.plural,
    singular: d.singular,
    namespaced: d.namespaced,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    model: d.model,
    subresources: d.subresources ?? {},
    defaults: d.defaults ?? (() => {}),
    validate: (obj) => [
      ...validateObjectMeta(obj.metadata, { namespaced: d.namespaced, name: d.nameRule }),
      ...(d.validateSpec?.(obj) ?? []),
    ],
    validateUpdate: (obj, old) => [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...(d.validateSpecUpdate?.(obj, old) ?? []),
    ],
    allowCreateOnUpdate: d.allowCreateOnUpdate ?? false,
    allowUnconditionalUpdate: d.allowUnconditionalUpdate ?? true,
    defaultPropagation: d.defaultPropagation ?? 'Background',
  };
  if (hasStatus || d.prepareForCreate) {
    strategy.prepareForCreate = (obj) => {
      if (hasStatus) obj['status'] = d.initialStatus ? d.initialStatus(obj) : {};
      d.prepareForCreate?.(obj);
    };
  }
  if (d.prepareForUpdate) strategy.prepareForUpdate = d.prepareForUpdate;
  if (d.gracePeriodSeconds) strategy.gracePeriodSeconds = d.gracePeriodSeconds;
  if (d.selectableFields) strategy.selectableFields = d.selectableFields;
  return strategy;
}
