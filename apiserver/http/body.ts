// Request bodies: JSON or YAML objects, bounded in size and depth so that no body can crash or
// wedge the server. Kubernetes' limit for a request body is 3 MiB; deeper nesting than any real
// object needs is refused before parsing, because recursive code downstream (deep copies,
// patches) must never meet a pathological tree.

import { parse as parseYaml } from 'yaml';
import { errors } from '../api/status.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../protobuf/index.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;
export const MAX_DEPTH = 1000;

/** The body types a write accepts; patches have their own (see patch/). */
export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml'] as const;

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Nesting depth of JSON text (brackets outside strings); stops counting past the limit. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** Decodes an object body by its Content-Type (kubectl's typed clients send Kubernetes protobuf). */
export function decodeObjectBody(raw: string | Buffer, contentType: string | undefined): unknown {
  const type = mediaTypeOf(contentType) || 'application/json';
  if (type === PROTOBUF_MEDIA_TYPE) return decodeProtobufObject(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1'));
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
  if (type === 'application/json') return decodeJson(text);
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') return decodeYaml(text);
  throw errors.unsupportedMediaType(type, ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE]);
}

export function decodeJson(text: string): unknown {
  if (jsonDepthExceeds(text, MAX_DEPTH)) throw errors.badRequest(`the request body nests deeper than ${MAX_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw errors.badRequest(`error decoding JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function decodeYaml(text: string): unknown {
  // Flow collections ([..], {..}) can nest like JSON; refuse before the parser recurses into them.
  if (jsonDepthExceeds(text, MAX_DEPTH)) throw errors.badRequest(`the request body nests deeper than ${MAX_DEPTH} levels`);
  let value: unknown;
  try {
    // Aliases are capped so that a "billion laughs" document cannot expand without bound.
    value = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (err) {
    throw errors.badRequest(`error converting YAML to JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  // The parsed tree is re-checked as JSON: YAML flow syntax can nest as deep as JSON.
  const json = JSON.stringify(value ?? null);
  if (jsonDepthExceeds(json, MAX_DEPTH)) throw errors.badRequest(`the request body nests deeper than ${MAX_DEPTH} levels`);
  return value;
}
