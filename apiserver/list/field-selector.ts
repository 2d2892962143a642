// Field selectors (k8s.io/apimachinery/pkg/fields): `?fieldSelector=metadata.name=web,status.phase!=Running`.
// Terms are ANDed; each is FIELD=VALUE, FIELD==VALUE or FIELD!=VALUE. In values, a backslash escapes
// `\`, `,` and `=`; the field name has no escaping, so the first operator in a term splits it.
// Which fields a kind supports is the registry's business (ResourceStrategy.selectableFields);
// checkFieldLabels words the refusal as Kubernetes does.

export type FieldOperator = '=' | '==' | '!=';

export interface FieldTerm {
  readonly field: string;
  readonly operator: FieldOperator;
  /** The value with escapes removed. */
  readonly value: string;
}

export interface FieldSelector {
  readonly terms: readonly FieldTerm[];
}

export class FieldSelectorError extends Error {}

/** Operators in the order they are tried at each position: `==` before `=` keeps `=` out of the value. */
const OPERATORS: readonly FieldOperator[] = ['!=', '==', '='];

/** Splits at commas that are not escaped; the escapes stay in the pieces. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function splitTerm(term: string): { field: string; operator: FieldOperator; raw: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of OPERATORS) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), operator: op, raw: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue, with its error texts. */
export function unescapeValue(s: string): string {
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, that is as its number: '=' is 61.
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.EscapeValue: the inverse of unescapeValue. */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** fields.ParseSelector. Terms come out sorted by their text, as Kubernetes sorts them. */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const terms: FieldTerm[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    terms.push({ field: split.field, operator: split.operator, value: unescapeValue(split.raw) });
  }
  return { terms };
}

/** Does the object, seen as its field values, satisfy every term? A missing field reads as "". */
export function matchesFields(selector: FieldSelector, fields: Readonly<Record<string, string>>): boolean {
  return selector.terms.every((t) => {
    const actual = Object.prototype.hasOwnProperty.call(fields, t.field) ? fields[t.field]! : '';
    return t.operator === '!=' ? actual !== t.value : actual === t.value;
  });
}

/** Selector.String: `a=b,c!=d` with values escaped ('==' prints as '='). */
export function fieldSelectorString(selector: FieldSelector): string {
  return selector.terms.map((t) => `${t.field}${t.operator === '!=' ? '!=' : '='}${escapeValue(t.value)}`).join(',');
}

/** The one value a selector demands for a field (`metadata.name=x`), if it demands one. */
export function requiresExactMatch(selector: FieldSelector, field: string): string | undefined {
  const t = selector.terms.find((term) => term.field === field && term.operator !== '!=');
  return t?.value;
}

/**
 * Refuses fields the kind cannot select on, with the message Kubernetes gives. Kinds that register
 * their own field-label conversion (pods, nodes, events, secrets, namespaces, replicasets, jobs...)
 * answer `field label not supported: spec.foo`; the others fall back to the generic conversion, which
 * answers `"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`.
 * `supported` lists the kind's extra fields (metadata.name and metadata.namespace always pass);
 * undefined means the kind has no conversion of its own.
 */
export function checkFieldLabels(selector: FieldSelector, supported: readonly string[] | undefined): void {
  for (const t of selector.terms) {
    if (t.field === 'metadata.name' || t.field === 'metadata.namespace') continue;
    if (supported === undefined) {
      throw new FieldSelectorError(`${JSON.stringify(t.field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    if (!supported.includes(t.field)) throw new FieldSelectorError(`field label not supported: ${t.field}`);
  }
}
