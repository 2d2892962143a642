import { expect, it } from 'vitest';
import { BTree } from './btree.js';

it('orders latin1 byte strings bytewise', () => {
  const t: BTree<string, number> = new BTree<string, number>();
  t.set('\xff', 1);
  t.set('a', 2);
  t.set('\x00', 3);
  expect([...t.keys()]).toEqual(['\x00', 'a', '\xff']);
});
