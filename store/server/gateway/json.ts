// A small JSON reader for the gateway's request bodies.
//
// Why not JSON.parse: etcd's ids are 64-bit integers and clients may send them as bare JSON
// numbers (`{"ID": 7587870000000000001}`), which JSON.parse would round to the nearest double.
// This reader keeps every number as its source text (JsonNumber) so that the codec can read it
// exactly as the field's type demands. It also reads a body holding several JSON values one after
// the other (the request stream of watch and lease keep-alive), and tells "the value is not
// complete yet" apart from "this is not JSON", which a streaming body needs.

/** A JSON number, kept as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** The input is not JSON. `position` is a character offset into the text given to the reader. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** The input ended inside a value: more text may complete it. */
class Incomplete extends Error {}

const WS = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const MAX_DEPTH = 200;

function describe(text: string, pos: number): string {
  return pos >= text.length ? 'end of input' : `${JSON.stringify(text[pos])} at position ${pos}`;
}

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  skipWs(): void {
    while (this.pos < this.text.length && WS.has(this.text[this.pos]!)) this.pos++;
  }

  fail(what: string): never {
    if (this.pos >= this.text.length) throw new Incomplete();
    throw new JsonSyntaxError(`malformed JSON: ${what}, found ${describe(this.text, this.pos)}`, this.pos);
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`malformed JSON: nested deeper than ${MAX_DEPTH} levels`, this.pos);
    this.skipWs();
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail('expected a JSON value');
    }
  }

  literal<V extends JsonValue>(word: string, v: V): V {
    for (let i = 0; i < word.length; i++) {
      if (this.text[this.pos + i] !== word[i]) {
        this.pos += i;
        this.fail(`expected "${word}"`);
      }
    }
    this.pos += word.length;
    return v;
  }

  number(): JsonNumber {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    const end = m ? this.pos + m[0].length : this.pos;
    // A number that runs to the end of the input may still go on in the next chunk.
    if (end >= this.text.length) throw new Incomplete();
    if (!m || m[0] === '-') this.fail('expected a number');
    const next = this.text[end]!;
    if (next === '.' || next === 'e' || next === 'E' || (next >= '0' && next <= '9')) {
      this.pos = end;
      this.fail('malformed number');
    }
    this.pos = end;
    return new JsonNumber(m[0]);
  }

  string(): string {
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const start = this.pos;
      while (this.pos < this.text.length) {
        const ch = this.text.charCodeAt(this.pos);
        if (ch === 0x22 || ch === 0x5c || ch < 0x20) break;
        this.pos++;
      }
      out += this.text.slice(start, this.pos);
      if (this.pos >= this.text.length) throw new Incomplete();
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c !== '\\') this.fail('control character in string');
      const e = this.text[this.pos + 1];
      if (e === undefined) throw new Incomplete();
      if (e === 'u') {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (hex.length < 4 && /^[0-9a-fA-F]*$/.test(hex)) throw new Incomplete();
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.pos += 2;
          this.fail('malformed \\u escape');
        }
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else if (e in ESCAPES) {
        out += ESCAPES[e];
        this.pos += 2;
      } else {
        this.pos++;
        this.fail('unknown escape in string');
      }
    }
  }

  array(depth: number): JsonValue[] {
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipWs();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail('expected "," or "]" in array');
      }
    }
  }

  object(depth: number): { [key: string]: JsonValue } {
    this.pos++;
    const out: { [key: string]: JsonValue } = {};
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail('expected a string as object key');
      const key = this.string();
      this.skipWs();
      if (this.text[this.pos] !== ':') this.fail('expected ":" after object key');
      this.pos++;
      const v = this.value(depth + 1);
      // Own property even for "__proto__": never touch the prototype.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.skipWs();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail('expected "," or "}" in object');
      }
    }
  }
}

/** Parse exactly one JSON value (surrounding whitespace allowed). Throws JsonSyntaxError. */
export function parseJson(text: string): JsonValue {
  const r = new Reader(`${text} `); // the trailing space ends a bare top-level number
  try {
    const v = r.value(0);
    r.skipWs();
    if (r.pos < r.text.length) throw new JsonSyntaxError(`malformed JSON: unexpected ${describe(r.text, r.pos)} after the value`, r.pos);
    return v;
  } catch (e) {
    if (e instanceof Incomplete) throw new JsonSyntaxError('malformed JSON: unexpected end of input', text.length);
    throw e;
  }
}

/**
 * Reads a stream of JSON values (concatenated, or separated by whitespace or newlines) as text
 * arrives. `push` returns the values completed so far; `end` throws if text is left over.
 */
export class JsonStreamReader {
  private buf = '';

  push(chunk: string): JsonValue[] {
    this.buf += chunk;
    const out: JsonValue[] = [];
    for (;;) {
      const r = new Reader(this.buf);
      r.skipWs();
      if (r.pos >= this.buf.length) {
        this.buf = '';
        return out;
      }
      const start = r.pos;
      try {
        out.push(r.value(0));
      } catch (e) {
        if (e instanceof Incomplete) {
          this.buf = this.buf.slice(start);
          return out;
        }
        throw e;
      }
      this.buf = this.buf.slice(r.pos);
    }
  }

  /** Characters waiting for the rest of their value. */
  get pending(): number {
    return this.buf.length;
  }

  end(): JsonValue[] {
    // A space ends a number that ran to the end; anything still pending is cut off.
    const out = this.push(' ');
    if (this.buf.trim() !== '') {
      this.buf = '';
      throw new JsonSyntaxError('malformed JSON: unexpected end of input', -1);
    }
    return out;
  }
}
