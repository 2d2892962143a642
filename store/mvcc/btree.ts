// sorted-btree is a CommonJS package whose class is its `default` export. Node's ESM loader and
// vitest's transform disagree on what a default import of it yields, so load it with require(),
// which means the same thing everywhere.
import { createRequire } from 'node:module';

type BTreeModule = typeof import('sorted-btree');

const require = createRequire(import.meta.url);
export const BTree: BTreeModule['default'] = (require('sorted-btree') as BTreeModule).default;
export type BTree<K, V> = import('sorted-btree').default<K, V>;
