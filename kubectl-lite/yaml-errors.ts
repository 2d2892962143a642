// YAML syntax errors worded and numbered as kubectl prints them. kubectl cuts a file into documents
// at "---" lines first and hands each one alone to go-yaml, so its "line N" counts from the start of
// that document, not of the file. go-yaml also numbers differently by kind of error: a scanner error
// (a tab, an unclosed quote, a ':' where no mapping may start) names the 1-based line of the
// problem, but a parser error ("did not find expected key") prints the 0-based one, a line earlier.
// The npm yaml parser finds the same faults under other names; this maps the common ones.

import type { YAMLError } from 'yaml';

/**
 * The documents kubectl's YAMLReader cuts a file into: a "---" line (alone or before a comment)
 * ends the document before it and is dropped, except when nothing precedes it in the document,
 * where it stays as the document's first line (so a leading "---" shifts no line numbers).
 */
export function splitDocuments(text: string): string[] {
  const docs: string[] = [];
  let current = '';
  for (const line of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    if (/^---([ \t].*|#.*)?\n?$/.test(line) && current !== '') {
      docs.push(current);
      current = '';
      continue;
    }
    current += line;
  }
  if (current !== '') docs.push(current);
  return docs;
}

const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

interface GoYaml {
  message: string;
  /** The 1-based file line go-yaml's mark points at. */
  line: number;
  /** Parser errors print the mark's 0-based line. */
  parser: boolean;
}

function translate(text: string, err: YAMLError): GoYaml {
  const at = err.pos[0];
  const line = lineAt(text, at);
  const msg = err.message;
  if (err.code === 'TAB_AS_INDENT') return { message: 'found character that cannot start any token', line, parser: false };
  // An unclosed quote runs to the end of the document: go-yaml reports the end of the stream.
  if (err.code === 'MISSING_CHAR' && /^Missing closing .?quote/.test(msg)) return { message: 'found unexpected end of stream', line: lineAt(text, text.length), parser: false };
  if (/^Nested mappings are not allowed in compact mappings/.test(msg)) {
    // A key indented under a scalar ("kind: X\n  metadata:"): go-yaml stops at that key's ':'.
    const colon = /:(?=[ \t\n]|$)/g;
    colon.lastIndex = at;
    const found = colon.exec(text);
    return { message: 'mapping values are not allowed in this context', line: found ? lineAt(text, found.index) : line, parser: false };
  }
  if (/^All mapping items must start at the same column|^A block sequence may not be used as an implicit map key/.test(msg)) return { message: 'did not find expected key', line, parser: true };
  if (/^Flow sequence in block collection/.test(msg)) return { message: "did not find expected ',' or ']'", line, parser: true };
  if (/^Flow map in block collection/.test(msg)) return { message: "did not find expected ',' or '}'", line, parser: true };
  return { message: msg.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), line, parser: false };
}

/** "line N: message" as go-yaml words an error in one document of splitDocuments. */
export function goYamlError(doc: string, err: YAMLError): string {
  const go = translate(doc, err);
  return `line ${go.parser ? go.line - 1 : go.line}: ${go.message}`;
}
