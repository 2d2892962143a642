// @kubernetes/client-node describes each model field with a TypeScript type written as a string
// ('string', 'Array<V1Container>', '{ [key: string]: string; }', ...). This file turns that string
// into a small tree, so that the schema builder never has to pattern-match text twice.

/** What a client-node field type denotes. */
export type TypeExpression =
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  /** A timestamp: metav1.Time on the wire, an RFC 3339 string. */
  | { kind: 'date' }
  | { kind: 'int-or-string' }
  /** Any JSON at all (RawExtension, JSON, free-form objects). */
  | { kind: 'any' }
  | { kind: 'array'; of: TypeExpression }
  | { kind: 'map'; of: TypeExpression }
  /** Another model class, e.g. 'V1PodSpec'. */
  | { kind: 'model'; className: string };

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{\s*\[key: string\]:\s*(.+?);\s*\}$/;

export function parseTypeExpression(text: string): TypeExpression {
  const t = text.trim();
  const array = ARRAY.exec(t);
  if (array) return { kind: 'array', of: parseTypeExpression(array[1]!) };
  const map = MAP.exec(t);
  if (map) return { kind: 'map', of: parseTypeExpression(map[1]!) };
  switch (t) {
    case 'string':
      return { kind: 'string' };
    case 'number':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'Date':
    // metav1.MicroTime: client-node names a class it does not define; on the wire a timestamp.
    case 'V1MicroTime':
      return { kind: 'date' };
    case 'IntOrString':
      return { kind: 'int-or-string' };
    case 'any':
    case 'object':
      return { kind: 'any' };
  }
  if (/^[A-Z][A-Za-z0-9]*$/.test(t)) return { kind: 'model', className: t };
  throw new Error(`unsupported client-node type expression: ${text}`);
}
