// Validation errors the way Kubernetes reports them (k8s.io/apimachinery/pkg/util/validation/field):
// each error names a field path and a type; the 422 Status lists them as causes and joins them into
// its message. Clients such as kubectl print these strings verbatim, so their wording is a contract.

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

/** The human wording of each type, which starts the error's text. */
const WORDING: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Types whose text never shows the offending value. */
const VALUELESS = new Set<FieldErrorType>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError']);

export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indices and keys, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  /** The offending value, when the type shows one. */
  value?: unknown;
  detail?: string;
}

/**
 * A bad value whose Go rendering is known (e.g. `map[string]string{"app":"web"}` for a label map,
 * `v1.LabelSelector{...}` for a selector): shown verbatim, so messages can match Kubernetes where
 * JSON would not. Build it with `goSyntax()`.
 */
export class GoSyntax {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

export function goSyntax(text: string): GoSyntax {
  return new GoSyntax(text);
}

/** Go's %q for strings, %v for the rest: how Kubernetes prints a bad value. */
function showValue(v: unknown): string {
  if (v instanceof GoSyntax) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The text after the field path: "Invalid value: -1: must be greater than or equal to 0". */
export function errorBody(e: FieldError): string {
  let s = WORDING[e.type];
  if (!VALUELESS.has(e.type) && 'value' in e) s += `: ${showValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function errorText(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

export const fieldError = {
  required: (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    value,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  tooLong: (field: string, max: number): FieldError => ({ type: 'FieldValueTooLong', field, detail: `must have at most ${max} bytes` }),
  notFound: (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field, value }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field, value, detail }),
};

/** Joins a path: child('spec', 'replicas') = 'spec.replicas'; index('spec.containers', 0) = 'spec.containers[0]'. */
export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
export function index(path: string, i: number | string): string {
  return `${path}[${i}]`;
}
