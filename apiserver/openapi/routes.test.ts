import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createSchemaSource } from '../schema/schema-source.js';
import { TEST_STRATEGIES } from '../schema/test-strategies.js';
import { decodeOpenApiV2Protobuf, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, OPENAPI_V2_PROTOBUF_REQUEST_TYPE } from './openapi-v2-protobuf.js';
import { openapiRoutes } from './routes.js';

async function server() {
  const app = Fastify();
  await app.register(openapiRoutes(TEST_STRATEGIES, createSchemaSource(TEST_STRATEGIES)));
  return app;
}

describe('openapi routes', () => {
  it('serves /openapi/v2 as protobuf or JSON by Accept', async () => {
    const app = await server();
    const json = await app.inject({ url: '/openapi/v2', headers: { accept: 'application/json' } });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const proto = await app.inject({ url: '/openapi/v2', headers: { accept: `${OPENAPI_V2_PROTOBUF_REQUEST_TYPE}, application/json` } });
    expect(proto.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(OPENAPI_V2_PROTOBUF_CONTENT_TYPE).toBe(proto.headers['content-type']);
    expect(decodeOpenApiV2Protobuf(proto.rawPayload)).toEqual(json.json());
    expect(proto.headers.etag).not.toBe(json.headers.etag);
  });

  it('links the v3 index to documents by hash and answers If-None-Match with 304', async () => {
    const app = await server();
    const index = (await app.inject({ url: '/openapi/v3' })).json() as { paths: Record<string, { serverRelativeURL: string }> };
    const url = index.paths['apis/apps/v1']!.serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const doc = await app.inject({ url });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers.etag).toBe(`"${url.split('hash=')[1]}"`);
    expect(doc.headers['cache-control']).toBe('public, immutable');
    expect((doc.json() as { openapi: string }).openapi).toBe('3.0.0');
    const again = await app.inject({ url, headers: { 'if-none-match': doc.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers 404 for a group-version it does not serve', async () => {
    const app = await server();
    const res = await app.inject({ url: '/openapi/v3/apis/batch/v1' });
    expect(res.statusCode).toBe(404);
  });
});
