// metav1.LabelSelector evaluation (LabelSelectorAsSelector + Matches) over plain label maps.

import type { V1LabelSelector } from '@kubernetes/client-node';

export type Labels = Record<string, string> | undefined;

/**
 * Whether labels match the selector. As in Kubernetes, a nil selector matches nothing and an empty
 * one ({}) matches everything; controllers refuse empty selectors before getting here.
 */
export function selectorMatches(selector: V1LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True for {} (no matchLabels, no matchExpressions): "select everything". */
export function selectorIsEmpty(selector: V1LabelSelector | undefined): boolean {
  return !!selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** A label map as a selector matching exactly those labels (labels.SelectorFromSet). */
export function labelsMatchSet(set: Labels, labels: Labels): boolean {
  const l = labels ?? {};
  return Object.entries(set ?? {}).every(([k, v]) => l[k] === v);
}
