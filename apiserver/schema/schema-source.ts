// The SchemaSource the apiserver uses: each served kind's tree, built from the client-node model
// its strategy names. Trees are built on first use and shared afterwards.

import type { ResourceStrategy } from '../resources/strategy.js';
import type { Schema, SchemaSource } from './schema.js';
import { ModelSchemaBuilder } from './model-schemas.js';

export function createSchemaSource(strategies: readonly ResourceStrategy[]): SchemaSource {
  const builder = new ModelSchemaBuilder();
  const byGvk = new Map<string, ResourceStrategy>();
  for (const s of strategies) byGvk.set(`${s.group}/${s.version}/${s.kind}`, s);
  const trees = new Map<string, Schema | undefined>();
  return {
    forKind(group: string, version: string, kind: string): Schema | undefined {
      const key = `${group}/${version}/${kind}`;
      if (!trees.has(key)) {
        const strategy = byGvk.get(key);
        trees.set(key, strategy ? builder.schemaOf(strategy.model, strategy.group) : undefined);
      }
      return trees.get(key);
    },
  };
}
