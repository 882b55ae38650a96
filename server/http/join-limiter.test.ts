import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLimiter } from './join-limiter.ts';

test('an address is blocked after its failures, and free again when the window has passed', () => {
  let now = 0;
  const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 1000, maxTracked: 10 }, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.blocked('a'), false);
    limiter.fail('a');
  }
  assert.equal(limiter.blocked('a'), true);
  assert.equal(limiter.blocked('b'), false, 'other addresses are not affected');
  now = 999;
  assert.equal(limiter.blocked('a'), true);
  now = 1000;
  assert.equal(limiter.blocked('a'), false);
});

test('memory stays bounded however many addresses fail', () => {
  const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 1000, maxTracked: 100 }, () => 0);
  for (let i = 0; i < 10_000; i++) limiter.fail(`10.0.${i >> 8}.${i & 255}`);
  assert.equal(limiter.size, 100);
});
