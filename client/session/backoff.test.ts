import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECONNECT_BASE_MS, RECONNECT_MAX_MS, reconnectDelay } from './backoff.ts';

test('delays grow from the base, keep at least half their ceiling, and stop growing at the maximum', () => {
  assert.equal(reconnectDelay(0, 0), RECONNECT_BASE_MS / 2);
  assert.equal(reconnectDelay(0, 0.999999), RECONNECT_BASE_MS);
  assert.equal(reconnectDelay(1, 0), RECONNECT_BASE_MS);
  let previousCeiling = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const ceiling = reconnectDelay(attempt, 1);
    assert.ok(ceiling >= previousCeiling, `attempt ${attempt} shrank`);
    assert.ok(ceiling <= RECONNECT_MAX_MS);
    assert.ok(reconnectDelay(attempt, 0) >= ceiling / 2);
    previousCeiling = ceiling;
  }
  assert.equal(reconnectDelay(1000, 1), RECONNECT_MAX_MS);
});

test('out-of-range randomness cannot push a delay outside its band', () => {
  assert.equal(reconnectDelay(3, -5), reconnectDelay(3, 0));
  assert.equal(reconnectDelay(3, 7), reconnectDelay(3, 1));
});
