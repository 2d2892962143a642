// The real kubectl against a tiny recording server: each `kubectl create <generator>` posts its
// object as protobuf, and the decoded body must equal what the same command prints with
// `--dry-run=client -o json` — the object's JSON encoding, made by kubectl itself.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './index.js';

const KUBECTL = '/usr/bin/kubectl';
const run = promisify(execFile);

/** Just enough discovery for kubectl's REST mapper to find each generator's resource. */
const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: ['apps', 'batch'].map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
    })),
  },
  '/api/v1': resourceList('v1', [
    ['configmaps', 'ConfigMap', true],
    ['secrets', 'Secret', true],
    ['services', 'Service', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['namespaces', 'Namespace', false],
  ]),
  '/apis/apps/v1': resourceList('apps/v1', [['deployments', 'Deployment', true]]),
  '/apis/batch/v1': resourceList('batch/v1', [['jobs', 'Job', true]]),
};

function resourceList(groupVersion: string, resources: [string, string, boolean][]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map(([name, kind, namespaced]) => ({ name, singularName: '', namespaced, kind, verbs: ['create', 'get', 'list'] })),
  };
}

const GENERATORS: string[][] = [
  ['configmap', 'cm', '--from-literal=a=b', '--from-literal=empty='],
  ['secret', 'generic', 's', '--from-literal=password=hunter2', '--type=Opaque'],
  ['deployment', 'd', '--image=nginx', '--replicas=0', '--port=8080'],
  ['service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443:https'],
  ['service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'],
  ['job', 'j', '--image=busybox', '--', 'echo', 'hi'],
  ['namespace', 'team-a'],
  ['serviceaccount', 'robot'],
];

describe.skipIf(!existsSync(KUBECTL))('protobuf bodies sent by the real kubectl', () => {
  let server: Server;
  let url: string;
  let home: string;
  const posted: { contentType: string | undefined; body: Buffer }[] = [];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubectl-protobuf-'));
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = (code: number, obj: unknown) => {
          res.writeHead(code, { 'content-type': 'application/json' });
          res.end(JSON.stringify(obj));
        };
        if (req.method === 'POST') {
          const body = Buffer.concat(chunks);
          posted.push({ contentType: req.headers['content-type'], body });
          // Answer with the decoded object, as an apiserver would answer with the created one.
          return reply(201, decodeProtobufObject(body));
        }
        const found = DISCOVERY[(req.url ?? '').split('?')[0]!];
        if (found) return reply(200, found);
        reply(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(home, { recursive: true, force: true });
  });

  const kubectl = (args: string[]) => run(KUBECTL, ['--server', url, ...args], { env: { ...process.env, HOME: home, KUBECONFIG: '' } });

  it.each(GENERATORS)('kubectl create %s %s ... decodes to its JSON encoding', async (...generator) => {
    // Options go before a `--` that starts the container command (kubectl create job j ... -- echo hi).
    const dash = generator.indexOf('--');
    const withOptions = (opts: string[]) => (dash < 0 ? [...generator, ...opts] : [...generator.slice(0, dash), ...opts, ...generator.slice(dash)]);

    const before = posted.length;
    await kubectl(['create', ...withOptions(['--validate=false'])]);
    expect(posted.length).toBe(before + 1);
    const { contentType, body } = posted[posted.length - 1]!;
    expect(contentType).toBe(PROTOBUF_MEDIA_TYPE);

    const { stdout } = await kubectl(['create', ...withOptions(['--dry-run=client', '-o', 'json'])]);
    expect(decodeProtobufObject(body)).toEqual(JSON.parse(stdout));
  }, 60_000);
});
