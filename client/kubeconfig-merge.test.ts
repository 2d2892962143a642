import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restConfigFromFlags } from './flags.js';
import { loadKubeconfigs } from './kubeconfig.js';
import { kubeconfigPaths, mergeKubeconfigDocs, readKubeconfigs } from './kubeconfig-merge.js';

// Two files as kubectl would see them in KUBECONFIG=a:b: both define cluster c1 and user u1 (a's
// win), only b sets current-context, and each points at a CA relative to its own directory.
function twoFiles(): { dir: string; a: string; b: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-merge-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'ca.pem'), 'CA OF A');
  writeFileSync(join(dir, 'sub', 'ca2.pem'), 'CA OF B');
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'sub', 'b.yaml');
  writeFileSync(a, ['clusters:', '- {name: c1, cluster: {server: "https://a:1", certificate-authority: ca.pem}}', 'users:', '- {name: u1, user: {token: A}}', 'contexts:', '- {name: x, context: {cluster: c1, user: u1}}'].join('\n'));
  writeFileSync(
    b,
    [
      'current-context: "y"',
      'clusters:',
      '- {name: c1, cluster: {server: "http://b:1"}}',
      '- {name: c2, cluster: {server: "https://b:2", certificate-authority: ca2.pem}}',
      'users:',
      '- {name: u1, user: {token: B}}',
      'contexts:',
      '- {name: "y", context: {cluster: c2, user: u1, namespace: nb}}',
    ].join('\n'),
  );
  return { dir, a, b };
}

describe('several kubeconfig files', () => {
  it('KUBECONFIG lists files (empty entries and repeats dropped); --kubeconfig is one file; else ~/.kube/config', () => {
    expect(kubeconfigPaths(undefined, { KUBECONFIG: 'a::b:a' })).toEqual(['a', 'b']);
    expect(kubeconfigPaths('k', { KUBECONFIG: 'a:b' })).toEqual(['k']);
    expect(kubeconfigPaths(undefined, { HOME: '/home/me' })).toEqual(['/home/me/.kube/config']);
  });

  it('the first file to name a cluster, user or context wins; current-context from the first that sets it', () => {
    const merged = mergeKubeconfigDocs([
      { clusters: [{ name: 'c1', cluster: { server: 'a' } }], 'current-context': '' },
      { 'current-context': 'y', clusters: [{ name: 'c1', cluster: { server: 'b' } }, { name: 'c2', cluster: { server: 'b2' } }], users: null as never },
      { 'current-context': 'z' },
    ]);
    expect(merged).toEqual({ clusters: [{ name: 'c1', cluster: { server: 'a' } }, { name: 'c2', cluster: { server: 'b2' } }], 'current-context': 'y', users: [] });
  });

  it('skips missing files, resolves each file\'s relative paths against its own directory, and connects', () => {
    const { dir, a, b } = twoFiles();
    const { doc, files } = readKubeconfigs([a, join(dir, 'missing'), b], { resolvePaths: true });
    expect(files).toEqual([a, b]);
    expect(doc.clusters?.map((c) => c.cluster?.['certificate-authority'] ?? c.cluster?.['server'])).toEqual([join(dir, 'ca.pem'), join(dir, 'sub', 'ca2.pem')]);
    // current-context y comes from b; its user u1 is a's (token A); its CA is b's, found beside b.
    expect(loadKubeconfigs([a, b])).toEqual({ server: 'https://b:2', namespace: 'nb', ca: 'CA OF B', token: 'A' });
    expect(loadKubeconfigs([a, b], { context: 'x' })).toEqual({ server: 'https://a:1', ca: 'CA OF A', token: 'A' });
    // Paths stay as written when not asked to resolve them (what `kubectl config view` prints).
    expect(readKubeconfigs([b]).doc.clusters?.[1]?.cluster?.['certificate-authority']).toBe('ca2.pem');
  });

  it('components read every $KUBECONFIG file; none existing is an error', () => {
    const { a, b } = twoFiles();
    expect(restConfigFromFlags({}, { KUBECONFIG: `${a}:${b}` })).toMatchObject({ server: 'https://b:2', token: 'A' });
    expect(() => restConfigFromFlags({}, { KUBECONFIG: '/no/such:/nor/this' })).toThrow('cannot read kubeconfig /no/such:/nor/this: ENOENT');
  });
});
