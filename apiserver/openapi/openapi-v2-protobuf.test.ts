import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { createSchemaSource } from '../schema/schema-source.js';
import { TEST_STRATEGIES } from '../schema/test-strategies.js';
import { buildOpenApiV2 } from './documents.js';
import { OPENAPI_V2_PROTO } from './openapi-v2-proto.js';
import { decodeOpenApiV2Protobuf, encodeOpenApiV2Protobuf } from './openapi-v2-protobuf.js';

describe('/openapi/v2 as gnostic protobuf', () => {
  const doc = buildOpenApiV2(TEST_STRATEGIES, createSchemaSource(TEST_STRATEGIES));
  const bytes = encodeOpenApiV2Protobuf(doc);

  it('decodes back to the same JSON document', () => {
    expect(decodeOpenApiV2Protobuf(bytes)).toEqual(doc);
  });

  it('puts fields at gnostic field numbers', () => {
    const Document = protobuf.parse(OPENAPI_V2_PROTO, { keepCase: true }).root.lookupType('openapi.v2.Document');
    const raw = Document.toObject(Document.decode(bytes)) as {
      swagger: string;
      paths: { path: { name: string; value: { patch?: { vendor_extension: { name: string; value: { yaml: string } }[] } } }[] };
    };
    expect(raw.swagger).toBe('2.0');
    const item = raw.paths.path.find((p) => p.name === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}')!;
    expect(item.value.patch!.vendor_extension).toEqual([
      { name: 'x-kubernetes-action', value: { yaml: 'patch\n' } },
      { name: 'x-kubernetes-group-version-kind', value: { yaml: 'group: apps\nkind: Deployment\nversion: v1\n' } },
    ]);
    // Document.swagger is field 1, a string: the message starts with tag 0x0a, length 3, "2.0".
    expect([...bytes.subarray(0, 5)]).toEqual([0x0a, 3, 0x32, 0x2e, 0x30]);
  });
});
