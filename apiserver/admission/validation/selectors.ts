// metav1.LabelSelector in a workload's spec: its syntax (ValidateLabelSelector) and whether the
// pod template's labels match it, which every controller kind checks the same way.

import { child, fieldError, index, type FieldError } from '../../api/field-errors.js';
import {
  fromLabelSelector,
  LabelSelectorError,
  matchesLabels,
  type LabelSelector,
  type LabelSelectorJson,
} from '../../list/label-selector.js';
import { asObject, asString, asStringMap, objectList } from './json-access.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import { validateLabels } from './object-meta.js';
import { goValue } from './go-syntax.js';

/** ValidateLabelSelector: matchLabels as labels, each expression's operator, key and values. */
export function validateLabelSelector(selector: unknown, path: string): FieldError[] {
  const sel = asObject(selector);
  if (!sel) return [];
  const errs = validateLabels(asStringMap(sel['matchLabels']), child(path, 'matchLabels'));
  objectList(sel['matchExpressions']).forEach((expr, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    const values = Array.isArray(expr['values']) ? (expr['values'] as unknown[]) : [];
    const operator = asString(expr['operator']) ?? '';
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) errs.push(fieldError.required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) errs.push(fieldError.forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      errs.push(fieldError.invalid(child(p, 'operator'), operator, 'not a valid selector operator'));
    }
    const key = asString(expr['key']) ?? '';
    for (const msg of isQualifiedName(key)) errs.push(fieldError.invalid(child(p, 'key'), key, msg));
    values.forEach((v, j) => {
      if (typeof v !== 'string') return;
      for (const msg of isValidLabelValue(v)) errs.push(fieldError.invalid(index(child(p, 'values'), j), v, msg));
    });
  });
  return errs;
}

/** LabelSelectorAsSelector, or undefined when the selector cannot be converted. */
export function toSelector(selector: unknown): LabelSelector | undefined {
  try {
    return fromLabelSelector(selector as LabelSelectorJson | null | undefined);
  } catch (e) {
    if (e instanceof LabelSelectorError) return undefined;
    throw e;
  }
}

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/**
 * The template-labels check of every controller kind: the pods it creates must be selected by it.
 * A missing selector selects nothing, so it always reports the mismatch; an empty one selects all.
 */
export function validateSelectorMatchesTemplate(
  selector: LabelSelector,
  templateLabels: Record<string, string> | undefined,
  templatePath: string,
): FieldError[] {
  if (matchesLabels(selector, templateLabels ?? {})) return [];
  return [fieldError.invalid(child(templatePath, 'metadata.labels'), goValue.stringMap(templateLabels), SELECTOR_MISMATCH)];
}

/** The "selector required / not empty / valid" prelude of apps and batch spec validation. */
export function validateWorkloadSelector(selector: unknown, path: string, kindForEmpty: string | undefined): FieldError[] {
  const sel = asObject(selector);
  if (!sel) return [fieldError.required(path)];
  const errs = validateLabelSelector(sel, path);
  const count = Object.keys(asObject(sel['matchLabels']) ?? {}).length + objectList(sel['matchExpressions']).length;
  if (kindForEmpty !== undefined && count === 0) {
    errs.push(fieldError.invalid(path, goValue.labelSelector(sel), `empty selector is invalid for ${kindForEmpty}`));
  }
  return errs;
}
