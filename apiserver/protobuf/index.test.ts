import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/status.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './index.js';
import { concat, entry, envelope, intOrString, msg, num, quantityEntry, str, tag, time, varint } from './test-encoder.js';

/** ObjectMeta as gogo writes it for a new object: every non-pointer field, even when empty. */
function newObjectMeta(name: string, ...extra: Uint8Array[]): Uint8Array {
  return msg(1, str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), num(7, 0), msg(8), ...extra);
}

function apiErrorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

const unixSeconds = (iso: string) => Date.parse(iso) / 1000;

describe('decodeProtobufObject', () => {
  it('exports the media type kubectl sends', () => {
    expect(PROTOBUF_MEDIA_TYPE).toBe('application/vnd.kubernetes.protobuf');
  });

  it('decodes a ConfigMap: string data, binary data as base64, a pointer bool kept at false', () => {
    const raw = concat(newObjectMeta('x'), entry(2, 'a', 'b'), entry(2, 'c', ''), entry(3, 'bin', Uint8Array.of(0, 1, 2, 255)), num(4, false));
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', creationTimestamp: null },
      data: { a: 'b', c: '' },
      binaryData: { bin: 'AAEC/w==' },
      immutable: false,
    });
  });

  it('decodes a Secret: data bytes become base64, type and stringData pass through', () => {
    const raw = concat(newObjectMeta('s', str(3, 'ns1')), entry(2, 'password', 'hunter2'), str(3, 'Opaque'), entry(4, 'user', 'admin'));
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'ns1', creationTimestamp: null },
      data: { password: Buffer.from('hunter2').toString('base64') },
      type: 'Opaque',
      stringData: { user: 'admin' },
    });
  });

  it('decodes a Deployment as `kubectl create deployment d --image=nginx --replicas=0` sends it', () => {
    const labels = entry(11, 'app', 'd');
    const container = msg(2, str(1, 'nginx'), str(2, 'nginx'), str(5, ''), msg(8), str(13, ''), str(14, ''), num(16, false), num(17, false), num(18, false), str(20, ''));
    const podSpec = msg(2, container, str(3, ''), str(6, ''), str(8, ''), str(9, ''), str(10, ''), num(11, false), num(12, false), num(13, false), str(19, ''));
    const template = msg(3, msg(1, str(1, ''), msg(8), labels), podSpec);
    const spec = msg(2, num(1, 0), msg(2, entry(1, 'app', 'd')), template, msg(4, str(1, '')), num(5, 0), num(7, false));
    const status = msg(3, num(1, 0), num(2, 0), num(3, 0), num(4, 0), num(5, 0), num(7, 0));
    const raw = concat(newObjectMeta('d', labels), spec, status);

    expect(decodeProtobufObject(envelope('apps/v1', 'Deployment', raw))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', creationTimestamp: null, labels: { app: 'd' } },
      spec: {
        // *int32: present on the wire, so kept although it is zero.
        replicas: 0,
        selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'd' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('decodes a Service whose targetPorts are an int and a name', () => {
    const spec = msg(
      2,
      msg(1, str(1, 'http'), str(2, 'TCP'), num(3, 80), intOrString(4, 8080), num(5, 0)),
      msg(1, str(1, 'web'), str(2, 'TCP'), num(3, 443), intOrString(4, 'https'), num(5, 30443)),
      entry(2, 'app', 's'),
      str(3, ''),
      str(4, 'NodePort'),
      num(12, 0),
    );
    const raw = concat(newObjectMeta('s'), spec, msg(3, msg(1)));
    expect(decodeProtobufObject(envelope('v1', 'Service', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', creationTimestamp: null },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'web', protocol: 'TCP', port: 443, targetPort: 'https', nodePort: 30443 },
        ],
        selector: { app: 's' },
        type: 'NodePort',
      },
      status: { loadBalancer: {} },
    });
  });

  it('prints Time as RFC 3339 seconds and MicroTime with six fractional digits', () => {
    const created = unixSeconds('2026-01-02T03:04:05Z');
    const pod = concat(msg(1, str(1, 'p'), time(8, created), time(9, created + 60, 999_999_999), num(10, 30)));
    expect(decodeProtobufObject(envelope('v1', 'Pod', pod))).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', creationTimestamp: '2026-01-02T03:04:05Z', deletionTimestamp: '2026-01-02T03:05:05Z', deletionGracePeriodSeconds: 30 },
    });

    const lease = concat(msg(1, str(1, 'node-1')), msg(2, str(1, 'node-1'), num(2, 40), msg(3), time(4, created, 123_456_789), num(5, 0)));
    expect(decodeProtobufObject(envelope('coordination.k8s.io/v1', 'Lease', lease))).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, acquireTime: null, renewTime: '2026-01-02T03:04:05.123456Z', leaseTransitions: 0 },
    });
  });

  it('decodes a Pod in depth: inline volume sources and probe handlers, pointers, negative and packed numbers', () => {
    const volumes = [
      msg(1, str(1, 'cfg'), msg(2, msg(19, msg(1, str(1, 'app-config')), num(3, 0o644)))),
      msg(1, str(1, 'tmp'), msg(2, msg(2, str(1, '')))),
    ];
    const container = msg(
      2,
      str(1, 'app'),
      str(2, 'app:1'),
      str(3, 'serve'),
      str(4, '--port'),
      str(4, '8080'),
      msg(6, str(1, 'http'), num(2, 0), num(3, 8080), str(4, 'TCP')),
      msg(7, str(1, 'TOKEN'), str(2, ''), msg(3, msg(4, msg(1, str(1, 'creds')), str(2, 'token')))),
      msg(19, str(1, 'CFG_'), msg(2, msg(1, str(1, 'app-config')))),
      msg(8, quantityEntry(1, 'cpu', '500m'), quantityEntry(2, 'memory', '64Mi')),
      msg(9, str(1, 'cfg'), num(2, true), str(3, '/etc/app')),
      msg(11, msg(1, msg(2, str(1, '/healthz'), intOrString(2, 'http'), str(4, 'HTTP'))), num(2, 0), num(4, 5)),
      msg(15, num(4, 0), num(5, false), msg(1, str(2, 'NET_ADMIN'))),
    );
    const securityContext = msg(14, tag(4, 2), varint(2), varint(1), varint(2), num(4, 3), num(5, 2000));
    const raw = concat(msg(1, str(1, 'p')), msg(2, ...volumes, container, num(25, -5), securityContext, num(30, false)));

    expect(decodeProtobufObject(envelope('v1', 'Pod', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        volumes: [
          { name: 'cfg', configMap: { name: 'app-config', defaultMode: 0o644 } },
          { name: 'tmp', emptyDir: {} },
        ],
        containers: [
          {
            name: 'app',
            image: 'app:1',
            command: ['serve'],
            args: ['--port', '8080'],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }],
            envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'app-config' } }],
            resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
            volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/app' }],
            readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 5 },
            securityContext: { runAsUser: 0, runAsNonRoot: false, capabilities: { drop: ['NET_ADMIN'] } },
          },
        ],
        priority: -5,
        securityContext: { supplementalGroups: [1, 2, 3], fsGroup: 2000 },
        enableServiceLinks: false,
      },
    });
  });

  it('decodes managedFields with their FieldsV1 JSON and an ownerReference', () => {
    const fields = '{"f:data":{"f:a":{}}}';
    const meta = msg(
      1,
      str(1, 'x'),
      msg(13, str(1, 'Deployment'), str(3, 'd'), str(4, 'uid-1'), str(5, 'apps/v1'), num(6, true)),
      str(14, 'example.com/cleanup'),
      msg(17, str(1, 'kubectl-create'), str(2, 'Update'), str(3, 'v1'), time(4, unixSeconds('2026-01-02T03:04:05Z')), str(6, 'FieldsV1'), msg(7, str(1, fields)), str(8, '')),
    );
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', meta))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'x',
        ownerReferences: [{ kind: 'Deployment', name: 'd', uid: 'uid-1', apiVersion: 'apps/v1', controller: true }],
        finalizers: ['example.com/cleanup'],
        managedFields: [
          { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: JSON.parse(fields) },
        ],
      },
    });
  });

  it('decodes DeleteOptions under any group version, keeping a zero grace period', () => {
    const raw = concat(num(1, 0), msg(2, str(1, 'uid-1')), str(4, 'Foreground'), str(5, 'All'));
    expect(decodeProtobufObject(envelope('apps/v1', 'DeleteOptions', raw))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'uid-1' },
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    });
  });

  it('decodes a Job whose pointer knobs are explicitly zero or false', () => {
    const template = msg(6, msg(1), msg(2, msg(2, str(1, 'j'), str(2, 'busybox')), str(3, 'Never')));
    const raw = concat(msg(1, str(1, 'j')), msg(2, num(7, 0), num(10, false), template, num(1, 1)));
    expect(decodeProtobufObject(envelope('batch/v1', 'Job', raw))).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { backoffLimit: 0, suspend: false, template: { metadata: {}, spec: { containers: [{ name: 'j', image: 'busybox' }], restartPolicy: 'Never' } }, parallelism: 1 },
    });
  });
});

describe('decodeProtobufObject refuses what it cannot decode faithfully', () => {
  it('answers 415 naming the message and field for a field number the table does not know', () => {
    const raw = concat(newObjectMeta('x'), str(42, 'surprise'));
    const err = apiErrorOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', raw)));
    expect(err.code).toBe(415);
    expect(err.reason).toBe('UnsupportedMediaType');
    expect(err.message).toContain('field 42');
    expect(err.message).toContain('k8s.io.api.core.v1.ConfigMap');
    expect(err.message).toContain('application/json');
  });

  it('answers 415 for a volume source left out of the table instead of dropping the volume source', () => {
    const gcePersistentDisk = msg(3, str(1, 'disk-1'));
    const raw = concat(msg(1, str(1, 'p')), msg(2, msg(1, str(1, 'data'), msg(2, gcePersistentDisk))));
    const err = apiErrorOf(() => decodeProtobufObject(envelope('v1', 'Pod', raw)));
    expect(err.code).toBe(415);
    expect(err.message).toContain('field 3 (wire type 2) of k8s.io.api.core.v1.VolumeSource');
  });

  it('answers 415 for a kind without a message table, a content encoding, and an int64 beyond 2^53', () => {
    expect(apiErrorOf(() => decodeProtobufObject(envelope('v1', 'PersistentVolume', new Uint8Array(0)))).code).toBe(415);
    expect(apiErrorOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', new Uint8Array(0), [str(3, 'gzip')]))).code).toBe(415);
    const huge = concat(msg(1, str(1, 'x'), num(7, 2n ** 60n)));
    expect(apiErrorOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', huge))).code).toBe(415);
  });

  it('answers 400 for bad magic, a bare magic, truncation, a wrong wire type and a missing kind', () => {
    const good = envelope('v1', 'ConfigMap', newObjectMeta('x'));
    expect(decodeProtobufObject(good)).toMatchObject({ kind: 'ConfigMap' });

    const badMagic = Buffer.from(good);
    badMagic[3] = 1;
    expect(apiErrorOf(() => decodeProtobufObject(badMagic)).code).toBe(400);
    expect(apiErrorOf(() => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}'))).code).toBe(400);
    expect(apiErrorOf(() => decodeProtobufObject(Buffer.from('k8s\0'))).code).toBe(400);
    expect(apiErrorOf(() => decodeProtobufObject(good.subarray(0, good.length - 1))).code).toBe(400);

    const nameAsVarint = concat(msg(1, num(1, 7)));
    const err = apiErrorOf(() => decodeProtobufObject(envelope('v1', 'ConfigMap', nameAsVarint)));
    expect(err.code).toBe(400);
    expect(err.message).toContain('wire type 0');

    expect(apiErrorOf(() => decodeProtobufObject(envelope('v1', '', new Uint8Array(0)))).code).toBe(400);
    expect(apiErrorOf(() => decodeProtobufObject(envelope('', 'ConfigMap', new Uint8Array(0)))).code).toBe(400);
  });

  it('answers 400 for an IntOrString of a type that does not exist', () => {
    const port = msg(1, str(1, 'x'), num(3, 80), msg(4, num(1, 7), num(2, 1)));
    const raw = concat(msg(1, str(1, 's')), msg(2, port));
    const err = apiErrorOf(() => decodeProtobufObject(envelope('v1', 'Service', raw)));
    expect(err.code).toBe(400);
    expect(err.message).toContain('IntOrString has type 7');
  });
});
