// The kubeconfig `cluster up` writes: kubectl, kubectl-lite and @kubernetes/client-node all read
// it. For an http:// server it sets insecure-skip-tls-verify, without which client-node 2.x
// refuses to connect at all.

export function kubeconfigText(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kube-lite',
    '  cluster:',
    `    server: ${server}`,
    ...(server.startsWith('http://') ? ['    insecure-skip-tls-verify: true'] : []),
    'users:',
    '- name: kube-lite',
    '  user: {}',
    'contexts:',
    '- name: kube-lite',
    '  context: {cluster: kube-lite, user: kube-lite, namespace: default}',
    'current-context: kube-lite',
    '',
  ].join('\n');
}
