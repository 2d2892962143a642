// Which patch flavour a PATCH request carries is decided by its Content-Type alone, as in
// kube-apiserver's patch handler: parameters after ';' are dropped, then the media type must be one
// the resource accepts (custom resources do not accept strategic merge patch: it needs Go struct tags).

import { unsupportedMediaType } from './patch-error.js';

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

export const JSON_PATCH_TYPE = 'application/json-patch+json';
export const MERGE_PATCH_TYPE = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH_TYPE = 'application/strategic-merge-patch+json';
export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

const KIND_OF_TYPE: Record<string, PatchKind> = {
  [JSON_PATCH_TYPE]: 'json',
  [MERGE_PATCH_TYPE]: 'merge',
  [STRATEGIC_MERGE_PATCH_TYPE]: 'strategic',
  [APPLY_PATCH_TYPE]: 'apply',
};

/** The media types a resource accepts, in the order the 415 message lists them. */
export function acceptedPatchTypes(strategicAllowed: boolean): string[] {
  return strategicAllowed
    ? [JSON_PATCH_TYPE, MERGE_PATCH_TYPE, STRATEGIC_MERGE_PATCH_TYPE, APPLY_PATCH_TYPE]
    : [JSON_PATCH_TYPE, MERGE_PATCH_TYPE, APPLY_PATCH_TYPE];
}

/**
 * The patch kind of a Content-Type header; throws PatchError 415 for anything else.
 * `strategicAllowed` is false for custom resources.
 */
export function contentTypeToPatchKind(contentType: string | undefined, strategicAllowed = true): PatchKind {
  let mediaType = contentType ?? '';
  const semicolon = mediaType.indexOf(';');
  if (semicolon > 0) mediaType = mediaType.slice(0, semicolon);
  const accepted = acceptedPatchTypes(strategicAllowed);
  if (!accepted.includes(mediaType)) throw unsupportedMediaType(accepted);
  return KIND_OF_TYPE[mediaType]!;
}
