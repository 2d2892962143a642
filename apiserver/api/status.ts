// Every error the apiserver returns is a metav1.Status object with an HTTP code, a machine-readable
// reason and a message worded as Kubernetes words it: kubectl and client libraries branch on the
// reason (e.g. AlreadyExists, Conflict) and print the message to users.

import { errorBody, errorText, type FieldError } from './field-errors.js';

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Timeout'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A failure that becomes a Status response. Throw it anywhere below a handler. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusObject {
    const s: StatusObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** The resource as Kubernetes names it in messages: 'pods' or 'deployments.apps'. */
export interface ResourceName {
  group: string;
  plural: string;
}

function qualified(r: ResourceName): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

function details(r: ResourceName, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: r.plural };
  if (r.group) d.group = r.group;
  return d;
}

export const errors = {
  notFound: (r: ResourceName, name: string) => new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, details(r, name)),
  alreadyExists: (r: ResourceName, name: string) => new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, details(r, name)),
  conflict: (r: ResourceName, name: string, why: string) =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, details(r, name)),
  /** The optimistic-concurrency failure of an update with a stale resourceVersion. */
  modified: (r: ResourceName, name: string) =>
    errors.conflict(r, name, 'the object has been modified; please apply your changes to the latest version and try again'),
  /** 422 for a kind ('Deployment.apps' style qualified kind) with field errors as causes. */
  invalid: (group: string, kind: string, name: string, errs: FieldError[]) => {
    const qualifiedKind = group ? `${kind}.${group}` : kind;
    const texts = errs.map(errorText);
    const joined = texts.length === 1 ? texts[0]! : `[${texts.join(', ')}]`;
    const d: StatusDetails = { name, kind, causes: errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })) };
    if (group) d.group = group;
    return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, d);
  },
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  /** 410 for a watch or list from a revision the store has compacted away. */
  expired: (message: string) => new ApiError(410, 'Expired', message),
  gone: (message: string) => new ApiError(410, 'Gone', message),
  methodNotAllowed: () => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'),
  notAcceptable: (accepted: string) => new ApiError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted}`),
  unsupportedMediaType: (contentType: string, accepted: readonly string[]) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
      causes: [{ reason: 'UnexpectedServerResponse', message: contentType }],
    }),
  tooLarge: (limit: number) => new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),
  forbidden: (r: ResourceName, name: string, why: string) =>
    new ApiError(403, 'Forbidden', `${qualified(r)}${name ? ` "${name}"` : ''} is forbidden: ${why}`, details(r, name)),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  /** The path names nothing this server serves. */
  pathNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  timeout: (message: string, retryAfterSeconds = 1) => new ApiError(504, 'Timeout', message, { retryAfterSeconds }),
  unavailable: (message: string) => new ApiError(503, 'ServiceUnavailable', message),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
};

/** A successful Status, as DELETE of a collection or of an already-gone object returns. */
export function successStatus(d?: StatusDetails): StatusObject {
  const s: StatusObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (d) s.details = d;
  return s;
}
