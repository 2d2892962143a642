// Every failure of a patch or an apply, as the Status Kubernetes answers with. The registry's PATCH
// handler turns a PatchError into a metav1.Status response (toStatus): code, reason and message are
// worded exactly as kube-apiserver words them, because kubectl prints them verbatim
// ("Error from server (Conflict): Apply failed with 1 conflict: ...").

export type PatchErrorReason =
  | 'BadRequest'
  | 'Invalid'
  | 'Conflict'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  /** A plain Go error that reached the handler: Kubernetes answers 500 with no reason at all. */
  | '';

export interface PatchErrorCause {
  reason: string;
  message: string;
  field?: string;
}

export interface PatchErrorDetails {
  group?: string;
  kind?: string;
  name?: string;
  causes?: PatchErrorCause[];
}

export class PatchError extends Error {
  constructor(
    readonly code: number,
    readonly reason: PatchErrorReason,
    message: string,
    readonly details?: PatchErrorDetails,
  ) {
    super(message);
    this.name = 'PatchError';
  }

  /** The metav1.Status body of this error. */
  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message };
    if (this.reason) status.reason = this.reason;
    status.details = this.details ?? {};
    status.code = this.code;
    return status;
  }
}

/** errors.NewBadRequest: 400, reason BadRequest, the message as given. */
export function badRequest(message: string): PatchError {
  return new PatchError(400, 'BadRequest', message);
}

/**
 * errors.NewGenericServerResponse(422, ...) as patch.go uses it when a JSON patch cannot be applied.
 * Kubernetes drops the underlying error text here: the client only ever sees this fixed sentence.
 */
export function genericUnprocessable(): PatchError {
  return new PatchError(422, 'Invalid', 'the server rejected our request due to an error in our request');
}

/** A plain error from the merge code: Kubernetes answers 500 with an empty reason and the error's text. */
export function unknownServerError(message: string): PatchError {
  return new PatchError(500, '', message);
}

/** The media types a PATCH accepts, in the order kube-apiserver lists them. */
export function unsupportedMediaType(accepted: readonly string[]): PatchError {
  return new PatchError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function tooManyOperations(max: number, got: number): PatchError {
  return new PatchError(413, 'RequestEntityTooLarge', `The allowed maximum operations in a JSON patch is ${max}, got ${got}`);
}
