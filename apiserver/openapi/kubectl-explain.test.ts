// The real kubectl against a tiny server that serves only legacy discovery (written here, just
// enough for kubectl's REST mapper) and our OpenAPI routes: `kubectl explain` must find the
// kind through /openapi/v3 and print its fields.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupVersion } from '../resources/strategy.js';
import { createSchemaSource } from '../schema/schema-source.js';
import { TEST_STRATEGIES } from '../schema/test-strategies.js';
import { openapiRoutes } from './routes.js';

const KUBECTL = '/usr/bin/kubectl';
const run = promisify(execFile);

function resourceList(gv: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: TEST_STRATEGIES.filter((s) => groupVersion(s) === gv).map((s) => ({
      name: s.plural,
      singularName: s.singular,
      namespaced: s.namespaced,
      kind: s.kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    })),
  };
}

describe.skipIf(!existsSync(KUBECTL))('kubectl explain against our OpenAPI', () => {
  let app: FastifyInstance;
  let dir: string;
  let kubeconfig: string;
  const createQueries: Record<string, string>[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    app = Fastify();
    app.addHook('onRequest', async (req) => {
      requested.push(req.url.split('?')[0]!);
    });
    app.get('/api', async () => ({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
    app.get('/api/v1', async () => resourceList('v1'));
    const groups = [...new Set(TEST_STRATEGIES.filter((s) => s.group).map((s) => s.group))];
    app.get('/apis', async () => ({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((name) => ({
        name,
        versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
        preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
      })),
    }));
    for (const g of groups) app.get(`/apis/${g}/v1`, async () => resourceList(`${g}/v1`));
    // Just enough of a Deployment endpoint for `kubectl apply` to create one.
    app.get('/apis/apps/v1/namespaces/:ns/deployments/:name', async (_req, reply) =>
      reply.code(404).send({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }),
    );
    app.post('/apis/apps/v1/namespaces/:ns/deployments', async (req, reply) => {
      createQueries.push(req.query as Record<string, string>);
      return reply.code(201).send(req.body);
    });
    await app.register(openapiRoutes(TEST_STRATEGIES, createSchemaSource(TEST_STRATEGIES)));
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'kubectl-explain-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "' + address + '"}}]',
        'users: [{name: u, user: {}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (...args: string[]) => run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args]);

  it('prints the fields of deployment.spec', async () => {
    const { stdout } = await kubectl('explain', 'deployment.spec', '--recursive=false');
    expect(stdout).toContain('GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n');
    expect(stdout).toContain('FIELD: spec <DeploymentSpec>');
    expect(stdout).toMatch(/\n {2}replicas\t<integer>\n/);
    expect(stdout).toMatch(/\n {2}selector\t<LabelSelector> -required-\n/);
    expect(stdout).toMatch(/\n {2}strategy\t<DeploymentStrategy>\n/);
    expect(stdout).toMatch(/\n {2}template\t<PodTemplateSpec> -required-\n/);
  });

  it('reads /openapi/v2 as protobuf too (the old explain)', async () => {
    const { stdout } = await kubectl('explain', 'deployment.spec', '--output=plaintext-openapiv2');
    expect(stdout).toContain('KIND:     Deployment\nVERSION:  apps/v1\n');
    expect(stdout).toMatch(/\n {3}replicas\t<integer>\n/);
    expect(stdout).toMatch(/\n {3}selector\t<Object> -required-\n/);
  });

  it('leaves validation to the server: kubectl apply sends fieldValidation=Strict', async () => {
    const manifest = join(dir, 'deployment.json');
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    writeFileSync(manifest, JSON.stringify(deployment));
    requested.length = 0;
    const { stdout } = await kubectl('apply', '-f', manifest);
    expect(stdout).toBe('deployment.apps/web created\n');
    expect(createQueries).toEqual([{ fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict' }]);
    // It learnt that from the v3 document, with no need for the v2 fallback.
    expect(requested).toContain('/openapi/v3/apis/apps/v1');
    expect(requested).not.toContain('/openapi/v2');
  });

  it('follows references into core types and IntOrString', async () => {
    const { stdout } = await kubectl('explain', 'deployment.spec.strategy.rollingUpdate');
    expect(stdout).toMatch(/\n {2}maxSurge\t<IntOrString>\n/);
    const pods = await kubectl('explain', 'pods.spec.containers', '--recursive=false');
    expect(pods.stdout).toContain('KIND:       Pod\nVERSION:    v1\n');
    expect(pods.stdout).toContain('FIELD: containers <[]Container>');
    expect(pods.stdout).toMatch(/\n {2}name\t<string> -required-\n/);
  });
});
