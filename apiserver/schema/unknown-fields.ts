// fieldValidation (Strict, Warn): the fields of a request body that the kind's schema does not
// declare, and the fields a JSON object repeats. Kubernetes finds both while decoding JSON
// (sigs.k8s.io/json strict mode) and names each by its path from the object's root:
//
//   unknown field "spec.template.spec.containers[0].foo"
//   duplicate field "spec.replicas"
//
// With Strict they fail the request (400, "...: strict decoding error: <list>"); with Warn each
// becomes a warning header. Duplicates can only be seen in the raw text, since JSON.parse keeps
// the last value silently; so the main entry point walks the text itself.

import type { Schema } from './schema.js';

export interface StrictFieldProblem {
  kind: 'unknown' | 'duplicate';
  /** Path from the root: 'spec.template.spec.containers[0].foo'. */
  path: string;
}

/** Kubernetes' text for one problem: `unknown field "spec.foo"` or `duplicate field "spec.replicas"`. */
export function strictProblemText(p: StrictFieldProblem): string {
  return `${p.kind} field ${JSON.stringify(p.path)}`;
}

/** The decoding error Kubernetes puts in a Strict failure: 'strict decoding error: a, b'. */
export function strictDecodingError(problems: readonly StrictFieldProblem[]): string {
  return `strict decoding error: ${problems.map(strictProblemText).join(', ')}`;
}

function joinKey(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * What the schema says about the fields of an object node: the schema of a named field, of any
 * map value, or nothing (meaning: do not judge what is below).
 */
function childSchema(schema: Schema | undefined, key: string): { known: boolean; schema: Schema | undefined } {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return { known: true, schema: undefined };
  if (schema.properties) {
    const field = schema.properties[key];
    if (field) return { known: true, schema: field };
    if (schema.additionalProperties === undefined || schema.additionalProperties === false) return { known: false, schema: undefined };
  }
  if (schema.additionalProperties !== undefined) {
    return typeof schema.additionalProperties === 'object'
      ? { known: true, schema: schema.additionalProperties }
      : { known: schema.additionalProperties, schema: undefined };
  }
  // An object without properties is a struct with no fields: anything in it is unknown.
  if (schema.type === 'object') return { known: false, schema: undefined };
  // A scalar (or int-or-string) given an object: a type error, reported elsewhere.
  return { known: true, schema: undefined };
}

/** Unknown fields of an already decoded object, in its key order. */
export function findUnknownFields(obj: unknown, schema: Schema): string[] {
  const out: string[] = [];
  const visit = (value: unknown, s: Schema | undefined, path: string): void => {
    if (!s) return;
    if (Array.isArray(value)) {
      if (s.items) value.forEach((v, i) => visit(v, s.items, `${path}[${i}]`));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      const child = childSchema(s, key);
      const at = joinKey(path, key);
      if (!child.known) out.push(at);
      else visit(v, child.schema, at);
    }
  };
  visit(obj, schema, '');
  return out;
}

/**
 * Unknown (when a schema is given) and duplicate fields of a JSON text, in the order a decoder
 * meets them. Throws SyntaxError on malformed JSON.
 */
export function findStrictFieldProblems(jsonText: string, schema?: Schema): StrictFieldProblem[] {
  return new StrictWalker(jsonText).run(schema);
}

/** The paths of fields a JSON text repeats within one object. */
export function findDuplicateFields(jsonText: string): string[] {
  return findStrictFieldProblems(jsonText).map((p) => p.path);
}

/** true, false, null or a number, read where the walker stands (sticky). */
const LITERAL = /true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A minimal JSON reader that keeps only what strict decoding needs: keys, paths, repeats. */
class StrictWalker {
  private pos = 0;
  private readonly problems: StrictFieldProblem[] = [];

  constructor(private readonly text: string) {}

  run(schema: Schema | undefined): StrictFieldProblem[] {
    this.value(schema, '', true);
    this.space();
    if (this.pos !== this.text.length) this.fail('unexpected data after the JSON value');
    return this.problems;
  }

  /** `judge`: whether unknown fields below are reported (false below preserved or unknown ones). */
  private value(schema: Schema | undefined, path: string, judge: boolean): void {
    this.space();
    const c = this.text[this.pos];
    if (c === '{') this.object(schema, path, judge);
    else if (c === '[') this.array(schema, path, judge);
    else if (c === '"') this.string();
    else this.literal();
  }

  private object(schema: Schema | undefined, path: string, judge: boolean): void {
    this.pos++; // {
    const seen = new Set<string>();
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text[this.pos] !== '"') this.fail('expected a field name');
      const key = this.string();
      const at = joinKey(path, key);
      this.space();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      let child: { known: boolean; schema: Schema | undefined } = { known: true, schema: undefined };
      if (judge) child = childSchema(schema, key);
      if (seen.has(key)) this.problems.push({ kind: 'duplicate', path: at });
      else if (!child.known) this.problems.push({ kind: 'unknown', path: at });
      seen.add(key);
      this.value(child.schema, at, judge && child.known && child.schema !== undefined);
      this.space();
      const next = this.text[this.pos++];
      if (next === '}') return;
      if (next !== ',') this.fail('expected "," or "}"');
    }
  }

  private array(schema: Schema | undefined, path: string, judge: boolean): void {
    this.pos++; // [
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    const items = judge ? schema?.items : undefined;
    for (let i = 0; ; i++) {
      this.value(items, `${path}[${i}]`, items !== undefined);
      this.space();
      const next = this.text[this.pos++];
      if (next === ']') return;
      if (next !== ',') this.fail('expected "," or "]"');
    }
  }

  /** Reads a string literal and returns its value (escapes decoded by JSON.parse). */
  private string(): string {
    const start = this.pos;
    this.pos++; // opening quote
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '\\') this.pos += 2;
      else if (c === '"') {
        this.pos++;
        return JSON.parse(this.text.slice(start, this.pos)) as string;
      } else this.pos++;
    }
    return this.fail('unterminated string');
  }

  private literal(): void {
    LITERAL.lastIndex = this.pos;
    const m = LITERAL.exec(this.text);
    if (!m) this.fail('unexpected character');
    this.pos += m[0].length;
  }

  private space(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.pos}`);
  }
}
