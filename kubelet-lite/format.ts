// Small renderings that must look like what a real kubelet and containerd print: Go's
// time.Duration and []string formatting, normalized image references, and the fake but stable
// identifiers (container IDs, image digests) a simulated runtime hands out.

import { createHash } from 'node:crypto';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Go's time.Duration.String() for a whole number of milliseconds: "0s", "512ms", "1.5s", "10s",
 * "1m20s", "5m0s", "1h0m0s". Kubelet messages print durations this way (back-off, pull times).
 */
export function goDuration(ms: number): string {
  ms = Math.max(0, Math.round(ms));
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const secMs = ms % 60_000;
  const whole = Math.floor(secMs / 1000);
  const frac = secMs % 1000;
  const s = frac === 0 ? `${whole}s` : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}

/** Go's %s of a []string: "[a b c]". Kubernetes' condition messages list containers this way. */
export const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;

/**
 * The fully qualified reference containerd reports as status.image: "nginx" becomes
 * "docker.io/library/nginx:latest", "ghcr.io/x/y" becomes "ghcr.io/x/y:latest".
 */
export function normalizeImage(image: string): string {
  const [name, digest] = image.split('@', 2) as [string, string | undefined];
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasDomain = first.includes('.') || first.includes(':') || first === 'localhost';
  let repo = hasDomain ? name : `docker.io/${slash < 0 ? `library/${name}` : name}`;
  if (digest) return `${repo}@${digest}`;
  const lastSlash = repo.lastIndexOf('/');
  if (!repo.slice(lastSlash + 1).includes(':')) repo += ':latest';
  return repo;
}

/** The repository part of an image reference, without tag or digest. */
function repository(image: string): string {
  const normalized = normalizeImage(image).split('@')[0]!;
  const lastSlash = normalized.lastIndexOf('/');
  const colon = normalized.indexOf(':', lastSlash + 1);
  return colon < 0 ? normalized : normalized.slice(0, colon);
}

/** status.imageID: the repository with a content digest, stable for one image reference. */
export function imageID(image: string): string {
  const normalized = normalizeImage(image);
  const at = normalized.indexOf('@');
  if (at >= 0) return normalized;
  return `${repository(image)}@sha256:${sha256(`image:${normalized}`)}`;
}

/** A believable image size in bytes (20–200 MB), stable for one image, for the Pulled message. */
export function imageSize(image: string): number {
  return 20_000_000 + (parseInt(sha256(`size:${normalizeImage(image)}`).slice(0, 8), 16) % 180_000_000);
}

/**
 * containerd's ID for one run of a container: derived from the pod UID, the container name and the
 * attempt, so that a restarted kubelet-lite reports the same ID for the same run.
 */
export function containerID(podUid: string, container: string, attempt: number): string {
  return `containerd://${sha256(`${podUid}/${container}/${attempt}`)}`;
}

/** format.Pod(pod) in the kubelet: "name_namespace(uid)". */
export const podDesc = (name: string, namespace: string, uid: string): string => `${name}_${namespace}(${uid})`;
