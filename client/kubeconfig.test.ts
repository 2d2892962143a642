import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlagError, clientConfigFromArgs, parseClientFlags, restConfigFromFlags } from './flags.js';
import { KubeconfigError, loadKubeconfig, parseKubeconfig } from './kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const KUBECONFIG = `
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: http://127.0.0.1:6443
    insecure-skip-tls-verify: true
- name: secure
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${b64('CA PEM')}
users:
- name: admin
  user: {token: abc123}
- name: certs
  user:
    client-certificate-data: ${b64('CERT PEM')}
    client-key-data: ${b64('KEY PEM')}
contexts:
- name: local
  context: {cluster: local, user: admin, namespace: team-a}
- name: secure
  context: {cluster: secure, user: certs}
current-context: local
`;

describe('kubeconfig', () => {
  it('follows current-context to the cluster and user', () => {
    expect(parseKubeconfig(KUBECONFIG)).toEqual({ server: 'http://127.0.0.1:6443', namespace: 'team-a', insecureSkipTlsVerify: true, token: 'abc123' });
  });

  it('decodes inline CA and client certificate data; another context by name; --server overrides', () => {
    expect(parseKubeconfig(KUBECONFIG, { context: 'secure' })).toEqual({ server: 'https://10.0.0.1:6443', ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' });
    expect(parseKubeconfig(KUBECONFIG, { server: 'http://other:1' }).server).toBe('http://other:1');
  });

  it('reads files relative to the kubeconfig directory (certificate-authority, tokenFile)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    writeFileSync(join(dir, 'ca.crt'), 'FILE CA');
    writeFileSync(join(dir, 'token'), 'tok-from-file\n');
    const path = join(dir, 'config');
    writeFileSync(
      path,
      ['clusters:', '- name: c', '  cluster: {server: "https://h:1", certificate-authority: ca.crt}', 'users:', '- name: u', '  user: {tokenFile: token}', 'contexts:', '- name: x', '  context: {cluster: c, user: u}', 'current-context: x'].join('\n'),
    );
    expect(loadKubeconfig(path)).toEqual({ server: 'https://h:1', ca: 'FILE CA', token: 'tok-from-file' });
  });

  it('says what is wrong in one line', () => {
    expect(() => parseKubeconfig(KUBECONFIG, { context: 'nope' })).toThrow(new KubeconfigError('context "nope" does not exist in the kubeconfig'));
    expect(() => parseKubeconfig('current-context: x\ncontexts: [{name: x, context: {cluster: gone}}]')).toThrow('cluster "gone" does not exist in the kubeconfig');
    expect(() => parseKubeconfig('{}')).toThrow('kubeconfig has no current-context');
    expect(() => loadKubeconfig('/no/such/file')).toThrow('cannot read kubeconfig /no/such/file: ENOENT');
  });
});

describe('client flags', () => {
  it('takes --kubeconfig and --server in both spellings and passes the rest through', () => {
    expect(parseClientFlags(['--kubeconfig', 'k', '--nodes=3', '--server=http://a:1', '-v', '2'])).toEqual({ kubeconfig: 'k', server: 'http://a:1', rest: ['--nodes=3', '-v', '2'] });
  });

  it('refuses a missing value or a bad URL with one line', () => {
    expect(() => parseClientFlags(['--kubeconfig'])).toThrow(new FlagError('flag needs an argument: --kubeconfig'));
    expect(() => parseClientFlags(['--server', '--x'])).toThrow('flag needs an argument: --server');
    expect(() => parseClientFlags(['--server=nope'])).toThrow('invalid argument "nope" for "--server": not a URL');
  });

  it('--server alone is enough; neither is an error; a bad kubeconfig is a FlagError', () => {
    expect(clientConfigFromArgs(['--server', 'http://a:1'], {}).config).toEqual({ server: 'http://a:1' });
    expect(() => restConfigFromFlags({}, {})).toThrow('give --kubeconfig FILE or --server URL');
    expect(() => restConfigFromFlags({ kubeconfig: '/no/such' }, {})).toThrow(FlagError);
  });
});
