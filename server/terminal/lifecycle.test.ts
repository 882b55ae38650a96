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
