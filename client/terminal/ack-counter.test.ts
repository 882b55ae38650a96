import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK_EVERY_BYTES } from '../../server/protocol/index.ts';
import { AckCounter } from './ack-counter.ts';

test('acks go out in batches of at least ACK_EVERY_BYTES, and a flush drains the rest', () => {
  const c = new AckCounter();
  const gen = c.reset();
  let acked = 0;
  const chunk = 1000;
  for (let i = 0; i < 100; i++) {
    const n = c.written(gen, chunk);
    if (n > 0) assert.ok(n >= ACK_EVERY_BYTES);
    acked += n;
  }
  assert.ok(c.unacked < ACK_EVERY_BYTES);
  acked += c.flush();
  assert.equal(acked, 100 * chunk, 'every byte is acked exactly once');
  assert.equal(c.flush(), 0);
});

test('writes made for an older connection are never acked to the new one', () => {
  const c = new AckCounter();
  const old = c.reset();
  c.written(old, 10);
  const current = c.reset();
  assert.equal(c.unacked, 0);
  assert.equal(c.written(old, ACK_EVERY_BYTES * 2), 0);
  assert.equal(c.unacked, 0);
  assert.equal(c.written(current, ACK_EVERY_BYTES), ACK_EVERY_BYTES);
});
