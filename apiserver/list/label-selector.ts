// Label selectors (k8s.io/apimachinery/pkg/labels): the `?labelSelector=` of a list or watch, the
// `spec.selector` of a Deployment, the SELECTOR column of `kubectl get -o wide`. Three forms meet here:
//   - the string grammar, parsed by parseLabelSelector ("app=web,tier in (a,b),!canary,rev>3");
//   - metav1.LabelSelector ({matchLabels, matchExpressions}), converted by fromLabelSelector;
//   - the canonical string form, printed by selectorString / formatLabelSelector.
// Error texts are Kubernetes' own: clients show them verbatim.

import { errorText } from '../api/field-errors.js';
import { isQualifiedName, isValidLabelValue } from './label-names.js';
import { tokenize, type Token } from './label-lexer.js';

/** selection.Operator, with Kubernetes' own spellings. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Sorted and unique when they come from the parser (Go keeps them in a set). */
  readonly values: readonly string[];
}

/**
 * A parsed selector: all requirements must hold. `nothing` is the selector of a nil
 * metav1.LabelSelector, which matches no object at all (an empty one matches every object).
 */
export interface LabelSelector {
  readonly requirements: readonly Requirement[];
  readonly nothing?: true;
}

export const everything: LabelSelector = { requirements: [] };
export const nothing: LabelSelector = { requirements: [], nothing: true };

export class LabelSelectorError extends Error {}

// ---- requirements ----------------------------------------------------------------------------

const GO_INT64 = /^[+-]?[0-9]+$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** strconv.ParseInt(s, 10, 64) succeeds. */
function isInt64(s: string): boolean {
  if (!GO_INT64.test(s)) return false;
  const n = BigInt(s);
  return n >= INT64_MIN && n <= INT64_MAX;
}

/** Go's utilerrors.Aggregate text: one error alone, several deduplicated inside brackets. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/**
 * labels.NewRequirement: checks the key, the operator's arity and every value. `path` prefixes the
 * field paths of the errors ('' = none, which is how both the parser and LabelSelectorAsSelector call it).
 */
export function newRequirement(key: string, operator: Operator, values: readonly string[], path = ''): Requirement {
  const child = (name: string): string => (path ? `${path}.${name}` : name);
  const valuesPath = child('values');
  const errs: string[] = [];
  const invalid = (field: string, value: string, detail: string): void => {
    errs.push(errorText({ type: 'FieldValueInvalid', field, value, detail }));
  };
  // field.Invalid with a []string value, which Go prints as a literal: []string{"a", "b"}.
  const invalidList = (detail: string): void => {
    errs.push(`${valuesPath}: Invalid value: []string{${values.map((v) => JSON.stringify(v)).join(', ')}}: ${detail}`);
  };
  const keyProblems = isQualifiedName(key);
  if (keyProblems.length) invalid(child('key'), key, keyProblems.join('; '));

  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) invalidList("for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) invalidList('exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) invalidList('values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) invalidList("for 'Gt', 'Lt' operators, exactly one value is required");
      values.forEach((v, i) => {
        if (!isInt64(v)) {
          invalid(`${valuesPath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer");
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const problems = isValidLabelValue(v);
    if (problems.length) invalid(`${valuesPath}[${i}][${key}]`, v, problems.join('; '));
  });
  if (errs.length) throw new LabelSelectorError(aggregate(errs));
  return { key, operator, values: [...values] };
}

/** Requirement.Matches. Labels missing from the object count as absent, never as "". */
export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !isInt64(value) || r.values.length !== 1 || !isInt64(r.values[0]!)) return false;
      const actual = BigInt(value);
      const bound = BigInt(r.values[0]!);
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/** Requirement.String: `!a`, `a`, `a=b`, `a in (x,y)`, `a>3`; several values print sorted. */
export function requirementString(r: Requirement): string {
  const values = r.values.length > 1 ? [...r.values].sort(byteOrder).join(',') : (r.values[0] ?? '');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${values})`;
    case 'notin':
      return `${r.key} notin (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

// ---- selectors -------------------------------------------------------------------------------

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Requirements sorted by key (stable), which is how Kubernetes stores a selector. */
function sortedSelector(requirements: Requirement[]): LabelSelector {
  return { requirements: [...requirements].sort((a, b) => byteOrder(a.key, b.key)) };
}

export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector.nothing) return false;
  const l = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, l));
}

/** Selector.String: requirements joined by commas ('' for everything and for nothing). */
export function selectorString(selector: LabelSelector): string {
  return selector.requirements.map(requirementString).join(',');
}

export function isEverything(selector: LabelSelector): boolean {
  return !selector.nothing && selector.requirements.length === 0;
}

// ---- the string grammar ----------------------------------------------------------------------
//   selector    ::= requirement | requirement "," selector
//   requirement ::= [!] KEY [ ("in" | "notin") "(" values ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]

/** labels.Parse. Throws LabelSelectorError with Kubernetes' message. */
export function parseLabelSelector(text: string): LabelSelector {
  return sortedSelector(new Parser(tokenize(text)).parse());
}

/** In value position the keywords `in` and `notin` are plain identifiers: `x in (in)` is valid. */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  private lookahead(ctx: Context): Token {
    return this.view(this.tokens[this.position]!, ctx);
  }

  private consume(ctx: Context): Token {
    return this.view(this.tokens[this.position++]!, ctx);
  }

  private view(t: Token, ctx: Context): Token {
    return ctx === 'values' && (t.kind === 'in' || t.kind === 'notin') ? { kind: 'identifier', text: t.text } : t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const t = this.lookahead('values');
      if (t.kind === 'end') return requirements;
      if (t.kind !== 'identifier' && t.kind !== '!') {
        throw new LabelSelectorError(`found '${t.text}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.requirement());
      } catch (e) {
        if (e instanceof LabelSelectorError) throw new LabelSelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.consume('values');
      if (after.kind === 'end') return requirements;
      if (after.kind !== ',') throw new LabelSelectorError(`found '${after.text}', expected: ',' or 'end of string'`);
      const next = this.lookahead('values');
      if (next.kind !== 'identifier' && next.kind !== '!') {
        throw new LabelSelectorError(`found '${next.text}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let negated = false;
    let t = this.consume('values');
    if (t.kind === '!') {
      negated = true;
      t = this.consume('values');
    }
    if (t.kind !== 'identifier') throw new LabelSelectorError(`found '${t.text}', expected: identifier`);
    const key = t.text;
    const problems = isQualifiedName(key);
    if (problems.length) {
      // The parser validates the key with an empty field path, which Go prints as "<nil>".
      throw new LabelSelectorError(errorText({ type: 'FieldValueInvalid', field: '<nil>', value: key, detail: problems.join('; ') }));
    }
    if (negated) return newRequirement(key, '!', []);
    const next = this.lookahead('values').kind;
    if (next === 'end' || next === ',') return newRequirement(key, 'exists', []);

    const operator = this.operator();
    const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
    return newRequirement(key, operator, [...new Set(values)].sort(byteOrder));
  }

  private operator(): Operator {
    const t = this.consume('keyAndOperator');
    switch (t.kind) {
      case 'in':
        return 'in';
      case 'notin':
        return 'notin';
      case '=':
        return '=';
      case '==':
        return '==';
      case '!=':
        return '!=';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new LabelSelectorError(`found '${t.text}', expected: '=', '!=', '==', 'in', notin'`);
    }
  }

  /** "(a,b)", "()" = {""}, and empty members: "(,a)" holds "" and "a". */
  private valueSet(): string[] {
    const open = this.consume('values');
    if (open.kind !== '(') throw new LabelSelectorError(`found '${open.text}' expected: '('`);
    const first = this.lookahead('values');
    if (first.kind === ')') {
      this.consume('values');
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== ',') {
      throw new LabelSelectorError(`found '${first.text}', expected: ',', ')' or identifier`);
    }
    const values = this.identifierList();
    this.consume('values'); // the ')' that ended the list
    return values;
  }

  private identifierList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const t = this.consume('values');
      if (t.kind === 'identifier') {
        values.add(t.text);
        const next = this.lookahead('values');
        if (next.kind === ',') continue;
        if (next.kind === ')') return [...values];
        throw new LabelSelectorError(`found '${next.text}', expected: ',' or ')'`);
      }
      if (t.kind === ',') {
        // A comma with nothing before it, or before ')' or another comma, stands for an empty value.
        if (values.size === 0) values.add('');
        const next = this.lookahead('values');
        if (next.kind === ')') {
          values.add('');
          return [...values];
        }
        if (next.kind === ',') {
          this.consume('values');
          values.add('');
        }
        continue;
      }
      throw new LabelSelectorError(`found '${t.text}', expected: ',', or identifier`);
    }
  }

  /** The one value after = == != > <; nothing at all means the empty value ("a=" selects a=""). */
  private exactValue(): string[] {
    const next = this.lookahead('values');
    if (next.kind === 'end' || next.kind === ',') return [''];
    const t = this.consume('values');
    if (t.kind === 'identifier') return [t.text];
    throw new LabelSelectorError(`found '${t.text}', expected: identifier`);
  }
}

// ---- metav1.LabelSelector --------------------------------------------------------------------

export interface LabelSelectorRequirementJson {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementJson[];
}

const EXPRESSION_OPERATORS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything.
 * Throws LabelSelectorError for an invalid key, value or operator.
 */
export function fromLabelSelector(ls: LabelSelectorJson | null | undefined): LabelSelector {
  if (ls === null || ls === undefined) return nothing;
  const labels = Object.entries(ls.matchLabels ?? {});
  const expressions = ls.matchExpressions ?? [];
  if (labels.length + expressions.length === 0) return everything;
  const requirements: Requirement[] = labels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const e of expressions) {
    const op = EXPRESSION_OPERATORS[e.operator];
    if (!op) throw new LabelSelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    requirements.push(newRequirement(e.key, op, e.values ?? []));
  }
  return sortedSelector(requirements);
}

/**
 * metav1.FormatLabelSelector: the SELECTOR column of `kubectl get -o wide`; `<none>` when the
 * selector selects everything or nothing, `<error>` when it is invalid.
 */
export function formatLabelSelector(ls: LabelSelectorJson | null | undefined): string {
  let s: string;
  try {
    s = selectorString(fromLabelSelector(ls));
  } catch (e) {
    if (e instanceof LabelSelectorError) return '<error>';
    throw e;
  }
  return s === '' ? '<none>' : s;
}

/** labels.FormatLabels: `a=b,c=d` sorted, `<none>` when empty (service SELECTOR, NODE SELECTOR). */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.sort(byteOrder).join(',') : '<none>';
}
