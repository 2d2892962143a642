// Which message a body's envelope names. Only the top-level kinds this server serves (plus the
// DeleteOptions body) are accepted as roots: a body that claims to be a `Container` is not an
// object anyone can create.

/** apiVersion + kind → message name in the table. */
const ROOT_MESSAGES: { readonly [apiVersionAndKind: string]: string } = {
  'v1 Namespace': 'core.v1.Namespace',
  'v1 Pod': 'core.v1.Pod',
  'v1 Node': 'core.v1.Node',
  'v1 Service': 'core.v1.Service',
  'v1 Endpoints': 'core.v1.Endpoints',
  'v1 ConfigMap': 'core.v1.ConfigMap',
  'v1 Secret': 'core.v1.Secret',
  'v1 Event': 'core.v1.Event',
  'v1 ServiceAccount': 'core.v1.ServiceAccount',
  'v1 Binding': 'core.v1.Binding',
  'apps/v1 Deployment': 'apps.v1.Deployment',
  'apps/v1 ReplicaSet': 'apps.v1.ReplicaSet',
  'apps/v1 DaemonSet': 'apps.v1.DaemonSet',
  'apps/v1 StatefulSet': 'apps.v1.StatefulSet',
  'batch/v1 Job': 'batch.v1.Job',
  'coordination.k8s.io/v1 Lease': 'coordination.v1.Lease',
};

/** The root message for an envelope's apiVersion and kind, or undefined when none is known. */
export function rootMessageFor(apiVersion: string, kind: string): string | undefined {
  // client-go sends DeleteOptions under the group version of the resource being deleted
  // (apps/v1 for a Deployment) or as meta.k8s.io/v1; it is the same message in every group.
  if (kind === 'DeleteOptions') return 'meta.v1.DeleteOptions';
  return ROOT_MESSAGES[`${apiVersion} ${kind}`];
}

/** Every (apiVersion, kind) pair with a root message, for tests and error messages. */
export function supportedKinds(): string[] {
  return [...Object.keys(ROOT_MESSAGES), '* DeleteOptions'];
}
