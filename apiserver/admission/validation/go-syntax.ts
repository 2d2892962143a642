// How Go's %#v prints the few values that appear in Kubernetes' validation messages. A
// field.Invalid error shows its bad value with %#v when the value is a struct or a map, so
// `kubectl apply` prints, for example:
//   spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable
// These helpers rebuild exactly that text from the JSON form.

import { goSyntax, type GoSyntax } from '../../api/field-errors.js';
import { asObject, asStringMap, objectList, asString } from './json-access.js';

/** Go's %q: a double-quoted string with Go escapes (JSON's are the same for printable text). */
function quote(s: string): string {
  return JSON.stringify(s);
}

/** Go prints map keys sorted. */
function mapBody(m: Record<string, string>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${quote(k)}:${quote(m[k]!)}`)
    .join(', ');
}

/** map[string]string{"a":"b", "c":"d"}, or map[string]string(nil) for an absent map. */
export function goStringMapText(m: Record<string, string> | undefined): string {
  return m === undefined ? 'map[string]string(nil)' : `map[string]string{${mapBody(m)}}`;
}

/** []string{"a", "b"}, or []string(nil). */
export function goStringSliceText(s: readonly string[] | undefined): string {
  return s === undefined ? '[]string(nil)' : `[]string{${s.map(quote).join(', ')}}`;
}

/** v1.LabelSelector{MatchLabels:..., MatchExpressions:...}, or "null" for a nil pointer. */
export function goLabelSelectorText(selector: unknown): string {
  const sel = asObject(selector);
  if (!sel) return 'null';
  const exprs = Array.isArray(sel['matchExpressions'])
    ? `[]v1.LabelSelectorRequirement{${objectList(sel['matchExpressions'])
        .map((e) => {
          const values = Array.isArray(e['values']) ? (e['values'] as string[]) : undefined;
          return `v1.LabelSelectorRequirement{Key:${quote(asString(e['key']) ?? '')}, Operator:${quote(asString(e['operator']) ?? '')}, Values:${goStringSliceText(values)}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMapText(asStringMap(sel['matchLabels']))}, MatchExpressions:${exprs}}`;
}

export const goValue = {
  stringMap: (m: Record<string, string> | undefined): GoSyntax => goSyntax(goStringMapText(m)),
  stringSlice: (s: readonly string[] | undefined): GoSyntax => goSyntax(goStringSliceText(s)),
  labelSelector: (s: unknown): GoSyntax => goSyntax(goLabelSelectorText(s)),
};
