// The `continue` token of a paged list (k8s.io/apiserver/pkg/storage continue.go). It is opaque to
// clients but its format is fixed, because any apiserver replica must accept a token another replica
// issued: base64url (unpadded) of {"v":"meta.k8s.io/v1","rv":<revision of the first page>,"start":
// "<key to resume at, relative to the resource's key prefix>"}. Every page of one list is read at
// the first page's revision, which is what makes the pages a consistent snapshot.

export const CONTINUE_TOKEN_VERSION = 'meta.k8s.io/v1';

/**
 * The 410 Expired message when the token's revision has been compacted away. The registry may then
 * offer a token with rv -1 ("continue from the latest revision"), which encodeContinue accepts.
 */
export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export class ContinueTokenError extends Error {}

export interface DecodedContinue {
  /** The full store key to resume from (the key prefix joined with the token's start). */
  fromKey: string;
  /** The revision every page is read at; -1 asks for the latest. */
  resourceVersion: number;
}

const INVALID = 'continue key is not valid';

/**
 * Builds the token that resumes a list at `key` (the next key to return, with `keyPrefix` such as
 * `/registry/pods/`). Throws when the key is not under the prefix, as Kubernetes does.
 */
export function encodeContinue(key: string, keyPrefix: string, resourceVersion: number): string {
  if (!key.startsWith(keyPrefix) || keyPrefix === '') {
    throw new ContinueTokenError('unable to encode next field: the key and key prefix do not match');
  }
  // Field order matters: Go's encoding/json writes struct fields in declaration order.
  const json = JSON.stringify({ v: CONTINUE_TOKEN_VERSION, rv: resourceVersion, start: key.slice(keyPrefix.length) });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Reads a token back into the key to resume at and the revision to read at. */
export function decodeContinue(token: string, keyPrefix: string): DecodedContinue {
  const bytes = decodeRawURLBase64(token);
  const parsed = parseToken(bytes);
  if (parsed.v !== CONTINUE_TOKEN_VERSION) {
    throw new ContinueTokenError(`${INVALID}: server does not recognize this encoded version ${JSON.stringify(parsed.v)}`);
  }
  if (parsed.rv === 0) {
    throw new ContinueTokenError(`${INVALID}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  }
  if (parsed.start === '') {
    throw new ContinueTokenError(`${INVALID}: encoded start key empty (version meta.k8s.io/v1)`);
  }
  // A client could forge "../../secrets/x" to list outside this resource: only keys that are
  // already clean paths are accepted, so the result always stays under the prefix.
  const key = parsed.start.startsWith('/') ? parsed.start : `/${parsed.start}`;
  if (cleanPath(key) !== key) throw new ContinueTokenError(`${INVALID}: ${parsed.start}`);
  return { fromKey: keyPrefix + key.slice(1), resourceVersion: parsed.rv };
}

const URL_ALPHABET = /^[A-Za-z0-9_-]$/;

/**
 * base64.RawURLEncoding.DecodeString: the URL alphabet, no padding; Go skips CR and LF. Errors
 * name the offending byte's offset as Go does.
 */
function decodeRawURLBase64(token: string): Buffer {
  const chars: string[] = [];
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if (c === '\r' || c === '\n') continue;
    if (!URL_ALPHABET.test(c)) throw new ContinueTokenError(`${INVALID}: illegal base64 data at input byte ${i}`);
    chars.push(c);
  }
  // A lone character in the last group of four cannot carry a whole byte.
  if (chars.length % 4 === 1) {
    throw new ContinueTokenError(`${INVALID}: illegal base64 data at input byte ${token.length - 1}`);
  }
  return Buffer.from(chars.join(''), 'base64url');
}

interface TokenFields {
  v: string;
  rv: number;
  start: string;
}

/**
 * json.Unmarshal into the token struct: missing fields keep their zero values, unknown fields are
 * ignored, a field of the wrong type is an error. Error texts follow Go's for the common cases.
 */
function parseToken(bytes: Buffer): TokenFields {
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ContinueTokenError(`${INVALID}: ${goJsonSyntaxError(text, (e as Error).message)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContinueTokenError(`${INVALID}: json: cannot unmarshal ${goJsonType(value)} into Go value of type storage.continueToken`);
  }
  const fields: TokenFields = { v: '', rv: 0, start: '' };
  // Go matches JSON keys to struct fields without regard to case.
  for (const [name, v] of Object.entries(value)) {
    const key = name.toLowerCase();
    if (key === 'v' || key === 'start') {
      if (v === null) continue;
      if (typeof v !== 'string') throw wrongType(v, key, 'string');
      fields[key] = v;
    } else if (key === 'rv') {
      if (v === null) continue;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(v, key, 'int64');
      fields.rv = v;
    }
  }
  return fields;
}

function wrongType(v: unknown, field: string, goType: string): ContinueTokenError {
  const shown = typeof v === 'number' ? `number ${v}` : goJsonType(v);
  return new ContinueTokenError(`${INVALID}: json: cannot unmarshal ${shown} into Go struct field continueToken.${field} of type ${goType}`);
}

function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v; // string, number, boolean
}

/**
 * The two syntax errors a mangled token most often has (nothing, or no JSON at all), worded as Go's
 * decoder words them; rarer ones keep JavaScript's wording.
 */
function goJsonSyntaxError(text: string, jsMessage: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'unexpected end of JSON input';
  const first = trimmed[0]!;
  if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
  return jsMessage;
}

/** path.Clean for absolute paths: no empty, "." or ".." segments, no trailing slash. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}
