// Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), which
// the real kubectl uses for every `kubectl create <kind>` generator. The body is decoded into
// the same JSON object the JSON encoding of that object would have been, so everything after the
// body decoder (admission, validation, storage) sees no difference.
//
// Failures: a body that is not valid protobuf is the client's mistake (400 BadRequest); a valid
// body this server cannot map to JSON without losing something — an unknown field number, a
// kind without a message table — is refused with 415 UnsupportedMediaType, whose message names
// what was not understood and tells the client to send JSON, which every client can.

import { ApiError, errors } from '../api/status.js';
import { decodeMessage } from './decode-message.js';
import { readEnvelope } from './envelope.js';
import { MalformedProtobufError, UnsupportedProtobufError } from './errors.js';
import { rootMessageFor } from './kinds.js';
import { MESSAGES } from './messages/index.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** What a client refused with 415 should send instead. */
const JSON_MEDIA_TYPES = ['application/json', 'application/yaml'] as const;

/** Decodes a protobuf request body into its JSON object, `apiVersion` and `kind` included. */
export function decodeProtobufObject(body: Buffer): unknown {
  try {
    const envelope = readEnvelope(body);
    if (!envelope.kind) throw errors.badRequest('Object \'Kind\' is missing in the protobuf envelope (runtime.Unknown typeMeta)');
    if (!envelope.apiVersion) throw errors.badRequest('Object \'apiVersion\' is missing in the protobuf envelope (runtime.Unknown typeMeta)');
    if (envelope.contentEncoding) {
      throw new UnsupportedProtobufError(`the protobuf envelope declares content encoding "${envelope.contentEncoding}", which is not supported`);
    }
    const root = rootMessageFor(envelope.apiVersion, envelope.kind);
    if (!root) throw new UnsupportedProtobufError(`kind ${envelope.kind} in ${envelope.apiVersion} cannot be decoded from protobuf by this server`);
    const object = decodeMessage(envelope.raw, root, MESSAGES);
    return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...(object as object) };
  } catch (err) {
    throw toApiError(err);
  }
}

function toApiError(err: unknown): unknown {
  if (err instanceof MalformedProtobufError) return errors.badRequest(`the protobuf request body could not be decoded: ${err.message}`);
  if (err instanceof UnsupportedProtobufError) return unsupported(err.message);
  return err;
}

/**
 * A 415 in Kubernetes' shape (reason UnsupportedMediaType, the media type as the cause), with a
 * message that says what was not understood instead of the generic "unknown format".
 */
function unsupported(detail: string): ApiError {
  const generic = errors.unsupportedMediaType(PROTOBUF_MEDIA_TYPE, JSON_MEDIA_TYPES);
  const message = `${detail}; decoding it would lose data, so send the request body as application/json instead`;
  return new ApiError(generic.code, generic.reason, message, generic.details);
}
