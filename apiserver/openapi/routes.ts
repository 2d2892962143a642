// GET /openapi/v2 and /openapi/v3[/<group-version>]. Documents are built once, on first request
// (strategies do not change while the server runs), and served with an ETag so that clients
// such as kubectl can cache them. /openapi/v2 is protobuf when the client asks for it (kubectl
// always does) and JSON otherwise; /openapi/v3 documents are JSON.

import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { JsonObject } from '../api/object.js';
import type { ResourceStrategy } from '../resources/strategy.js';
import type { SchemaSource } from '../schema/schema.js';
import { buildOpenApiV2, buildOpenApiV3GroupVersion, buildOpenApiV3Index, openApiV3Paths } from './documents.js';
import { encodeOpenApiV2Protobuf, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, OPENAPI_V2_PROTOBUF_REQUEST_TYPE } from './openapi-v2-protobuf.js';

interface Rendered {
  body: string | Buffer;
  etag: string;
}

/** Kubernetes' document hash: SHA-512 of the bytes, upper-case hex. */
function hashOf(bytes: string | Buffer): string {
  return createHash('sha512').update(bytes).digest('hex').toUpperCase();
}

function rendered(body: string | Buffer): Rendered {
  return { body, etag: `"${hashOf(body)}"` };
}

/** All documents, built together the first time one is asked for. */
class OpenApiDocuments {
  private built?: { v2Json: Rendered; v2Protobuf: Rendered; v3: Map<string, Rendered>; v3Index: Rendered };

  constructor(
    private readonly strategies: readonly ResourceStrategy[],
    private readonly schemas: SchemaSource,
  ) {}

  get() {
    if (this.built) return this.built;
    const v2: JsonObject = buildOpenApiV2(this.strategies, this.schemas);
    const v3 = new Map<string, Rendered>();
    const hashes = new Map<string, string>();
    for (const path of openApiV3Paths(this.strategies, this.schemas)) {
      const doc = buildOpenApiV3GroupVersion(this.strategies, this.schemas, path)!;
      const r = rendered(JSON.stringify(doc));
      v3.set(path, r);
      hashes.set(path, r.etag.slice(1, -1));
    }
    this.built = {
      v2Json: rendered(JSON.stringify(v2)),
      v2Protobuf: rendered(encodeOpenApiV2Protobuf(v2)),
      v3,
      v3Index: rendered(JSON.stringify(buildOpenApiV3Index(hashes))),
    };
    return this.built;
  }
}

function send(request: FastifyRequest, reply: FastifyReply, doc: Rendered, contentType: string): FastifyReply {
  reply.header('ETag', doc.etag).header('Vary', 'Accept');
  if (request.headers['if-none-match'] === doc.etag) return reply.code(304).send();
  return reply.type(contentType).send(doc.body);
}

function wantsProtobufV2(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes(OPENAPI_V2_PROTOBUF_REQUEST_TYPE);
}

/** Registers the OpenAPI routes. */
export function openapiRoutes(strategies: readonly ResourceStrategy[], schemas: SchemaSource): FastifyPluginAsync {
  return async (app) => {
    const documents = new OpenApiDocuments(strategies, schemas);

    app.get('/openapi/v2', async (request, reply) => {
      const docs = documents.get();
      return wantsProtobufV2(request)
        ? send(request, reply, docs.v2Protobuf, OPENAPI_V2_PROTOBUF_CONTENT_TYPE)
        : send(request, reply, docs.v2Json, 'application/json');
    });

    app.get('/openapi/v3', async (request, reply) => send(request, reply, documents.get().v3Index, 'application/json'));

    app.get('/openapi/v3/*', async (request, reply) => {
      const path = (request.params as { '*': string })['*'].replace(/\/+$/, '');
      const doc = documents.get().v3.get(path);
      if (!doc) return reply.code(404).type('text/plain').send('404 page not found\n');
      // The hash in the URL names this exact content, so it may be cached for long.
      if ((request.query as Record<string, unknown>).hash === doc.etag.slice(1, -1)) {
        reply.header('Cache-Control', 'public, immutable');
      }
      return send(request, reply, doc, 'application/json');
    });
  };
}
