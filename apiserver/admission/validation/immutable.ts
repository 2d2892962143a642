// Comparisons shared by every kind's validation: immutable fields and simple numeric bounds.

import { isDeepStrictEqual } from 'node:util';
import { fieldError, type FieldError } from '../../api/field-errors.js';

export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';

/** JSON null and an absent field mean the same (Go's nil), so they compare equal. */
function normalize(v: unknown): unknown {
  return v === null ? undefined : v;
}

/** Semantic equality of two JSON values, absent == null. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(normalize(a) ?? null)), JSON.parse(JSON.stringify(normalize(b) ?? null)));
}

/**
 * ValidateImmutableField: `<path>: Invalid value: <new>: field is immutable` when the value changed.
 * `shown` is how the new value is printed (defaults to the value itself; pass a GoSyntax for structs).
 */
export function validateImmutableField(newValue: unknown, oldValue: unknown, path: string, shown: unknown = newValue): FieldError[] {
  return jsonEqual(newValue, oldValue) ? [] : [fieldError.invalid(path, shown ?? null, FIELD_IMMUTABLE)];
}

/** ValidateNonnegativeField, for an optional number: absent is fine. */
export function validateNonNegative(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [fieldError.invalid(path, value, IS_NEGATIVE)] : [];
}
