import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore, toDisposable } from './lifecycle.ts';

test('clear() releases what a store holds and keeps it open; dispose() closes it for good', () => {
  const store = new DisposableStore();
  const released: string[] = [];
  store.add(toDisposable(() => released.push('first')));
  store.clear();
  assert.deepEqual(released, ['first']);
  store.add(toDisposable(() => released.push('second')));
  assert.deepEqual(released, ['first'], 'an item added after clear() is held, not released at once');
  store.dispose();
  assert.deepEqual(released, ['first', 'second']);
  store.add(toDisposable(() => released.push('late')));
  assert.deepEqual(released, ['first', 'second', 'late'], 'after dispose() a late item is released at once');
});

test('delete() disposes the item and forgets it: the store does not dispose it a second time', () => {
  const store = new DisposableStore();
  let released = 0;
  const item = store.add(toDisposable(() => released++));
  store.add({ dispose: () => released++ });
  const counted = { dispose: () => (released += 10) };
  store.add(counted);
  store.delete(counted);
  assert.equal(released, 10);
  store.delete(item);
  assert.equal(released, 11);
  store.dispose();
  assert.equal(released, 12, 'only the item still held is released by dispose()');
});
