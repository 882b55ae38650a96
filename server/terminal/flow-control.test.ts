import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowControl, type Pausable } from './flow-control.ts';
import { ACK_EVERY_BYTES, FLOW_HIGH_WATERMARK, FLOW_LOW_WATERMARK } from '../protocol/index.ts';

const K = 1024;

function recorder(): Pausable & { calls: string[] } {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

test('pauses once above the high watermark and resumes once below the low one', () => {
  const pty = recorder();
  const flow = new FlowControl(pty, 1000 * K, 200 * K);
  flow.account(600 * K);
  flow.account(400 * K);
  assert.deepEqual(pty.calls, [], 'exactly at high is not above it');
  flow.account(1);
  assert.deepEqual(pty.calls, ['pause']);
  flow.account(5000 * K); // more bytes while paused (already read from the pty) do not pause twice
  assert.deepEqual(pty.calls, ['pause']);
  flow.sent(6000 * K + 1); // all of it reached the socket
  flow.commit(5000 * K);
  assert.equal(flow.unacked, 1000 * K + 1);
  assert.deepEqual(pty.calls, ['pause'], 'between the watermarks it stays paused (hysteresis)');
  flow.commit(800 * K + 1);
  assert.deepEqual(pty.calls, ['pause'], 'exactly at low is not below it');
  flow.commit(1);
  assert.deepEqual(pty.calls, ['pause', 'resume']);
  assert.equal(flow.isPaused, false);
});

test('an ack larger than what was emitted cannot bank credit, and says so', () => {
  const pty = recorder();
  const flow = new FlowControl(pty, 1000 * K, 200 * K);
  assert.equal(flow.commit(1_000_000 * K), 1_000_000 * K);
  assert.equal(flow.unacked, 0);
  flow.account(1000 * K + 1);
  assert.deepEqual(pty.calls, ['pause']);
});

test('hostile: acks of bytes never written to the socket do not count (a lying, non-reading client)', () => {
  const pty = recorder();
  const flow = new FlowControl(pty, 1000 * K, 200 * K);
  for (let i = 0; i < 100; i++) {
    flow.account(64 * K);
    flow.commit(2 ** 31); // "I processed everything", while its socket is never read
  }
  assert.equal(flow.unacked, 100 * 64 * K, 'nothing reached the socket, so nothing is acked');
  assert.deepEqual(pty.calls, ['pause']);
  flow.sent(100 * 64 * K); // it reads after all: its earlier claims now cover what was sent
  assert.equal(flow.unacked, 0);
  assert.deepEqual(pty.calls, ['pause', 'resume']);
});

test('an honest ack that arrives before the socket reports the bytes written is kept, not lost', () => {
  const pty = recorder();
  const flow = new FlowControl(pty, 1000 * K, 200 * K);
  flow.account(1200 * K);
  assert.equal(flow.commit(600 * K), 0, 'within what was emitted: not an over-ack');
  assert.equal(flow.unacked, 1200 * K, 'not yet sent, so not yet acked');
  flow.sent(1200 * K);
  assert.equal(flow.unacked, 600 * K);
  flow.commit(600 * K);
  assert.equal(flow.unacked, 0);
  assert.deepEqual(pty.calls, ['pause', 'resume']);
});

test('bytes a snapshot already shows are discarded: sent and acked at once', () => {
  const pty = recorder();
  const flow = new FlowControl(pty, 1000 * K, 200 * K);
  flow.account(300 * K);
  flow.discard(100 * K);
  assert.equal(flow.unacked, 200 * K);
  flow.sent(200 * K);
  flow.commit(200 * K);
  assert.equal(flow.unacked, 0);
});

test('reset (a new reader with a fresh snapshot) resumes a paused pty', () => {
  const pty = recorder();
  const flow = new FlowControl(pty, 1000 * K, 200 * K);
  flow.account(2000 * K);
  flow.reset();
  assert.deepEqual(pty.calls, ['pause', 'resume']);
  assert.equal(flow.unacked, 0);
});

test('a reader that acks only whole ACK_EVERY_BYTES steps never blocks: its unacked remainder is below low', () => {
  // Like the client's AckCounter without its idle flush: it processes every byte it gets, but acks only in whole
  // steps of ACK_EVERY_BYTES, so up to ACK_EVERY_BYTES - 1 bytes stay unacked each time it catches up.
  const pty = recorder();
  const flow = new FlowControl(pty);
  const CHUNKS = [4096, 1000, 65_536, 7, 30_001]; // sizes that leave remainders of many lengths
  let sentUnprocessed = 0;
  let processedUnacked = 0;
  let resumesWithRemainder = 0;
  for (let i = 0; i < 10_000; i++) {
    if (flow.isPaused) {
      processedUnacked += sentUnprocessed; // the client catches up...
      sentUnprocessed = 0;
      const ack = processedUnacked - (processedUnacked % ACK_EVERY_BYTES); // ...and acks whole steps only
      flow.commit(ack);
      processedUnacked -= ack;
      assert.equal(flow.unacked, processedUnacked, 'what is left unacked is the remainder');
      assert.ok(processedUnacked < ACK_EVERY_BYTES);
      assert.equal(flow.isPaused, false, `resumed with ${processedUnacked} bytes still unacked`);
      if (processedUnacked > 0) resumesWithRemainder++;
    }
    const chunk = CHUNKS[i % CHUNKS.length]!;
    flow.account(chunk);
    flow.sent(chunk);
    sentUnprocessed += chunk;
    assert.ok(flow.unacked <= FLOW_HIGH_WATERMARK + chunk, 'in flight stays within high + one chunk');
  }
  assert.ok(resumesWithRemainder > 10, `the remainder was non-zero at ${resumesWithRemainder} resumes`);
});

test('refuses watermarks that could block forever', () => {
  const pty = recorder();
  assert.throws(() => new FlowControl(pty, 100, 200), RangeError);
  assert.throws(() => new FlowControl(pty, 100 * K, 16 * K), /ACK_EVERY_BYTES/);
  assert.ok(FLOW_LOW_WATERMARK < FLOW_HIGH_WATERMARK);
});
