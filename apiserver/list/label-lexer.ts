// The lexer of the label selector grammar (labels.Lexer): identifiers run until whitespace or one
// of the operator characters = ! ( ) , > <; operators take the longest match ("!=" before "!").
// `in` and `notin` come out as keywords; the parser decides where they are plain values.

export type TokenKind =
  | 'end'
  | 'identifier'
  | 'in'
  | 'notin'
  | '('
  | ')'
  | ','
  | '!'
  | '='
  | '=='
  | '!='
  | '>'
  | '<';

export interface Token {
  kind: TokenKind;
  /** The text as written; '' for the end of the string (error messages quote it). */
  text: string;
}

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const TWO_CHAR = new Set(['!=', '==']);

/** All tokens of the input, ending with one 'end' token. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && WHITESPACE.has(input[pos]!)) pos++;
    if (pos >= input.length) {
      tokens.push({ kind: 'end', text: '' });
      return tokens;
    }
    const ch = input[pos]!;
    if (SPECIAL.has(ch)) {
      const two = input.slice(pos, pos + 2);
      const text = TWO_CHAR.has(two) ? two : ch;
      pos += text.length;
      tokens.push({ kind: text as TokenKind, text });
      continue;
    }
    const start = pos;
    while (pos < input.length && !SPECIAL.has(input[pos]!) && !WHITESPACE.has(input[pos]!)) pos++;
    const text = input.slice(start, pos);
    tokens.push({ kind: text === 'in' || text === 'notin' ? text : 'identifier', text });
  }
}
