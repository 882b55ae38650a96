import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BATCH_MAX_BYTES,
  BATCH_WINDOW_MS,
  INPUT_ECHO_WINDOW_MS,
  OutputBatcher,
  type BatchClock,
} from './output-batcher.ts';

/** A clock the test moves by hand; scheduled callbacks run when their time is reached. */
function manualClock(): BatchClock & { advance(ms: number): void } {
  let now = 1000;
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    schedule(fn, ms) {
      const timer = { at: now + ms, fn, live: true };
      timers.push(timer);
      return { dispose: () => void (timer.live = false) };
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.live && t.at <= now);
      timers = timers.filter((t) => t.live && t.at > now);
      for (const t of due) t.fn();
    },
  };
}

function collect() {
  const frames: string[] = [];
  const send = (parts: readonly Uint8Array[]) => frames.push(Buffer.concat(parts).toString());
  return { frames, send };
}

test('without recent input, output is gathered for the batch window', () => {
  const clock = manualClock();
  const { frames, send } = collect();
  const batcher = new OutputBatcher(send, clock);
  batcher.push(Buffer.from('a'));
  batcher.push(Buffer.from('b'));
  assert.deepEqual(frames, []);
  clock.advance(BATCH_WINDOW_MS - 1);
  batcher.push(Buffer.from('c'));
  assert.deepEqual(frames, []);
  clock.advance(1);
  assert.deepEqual(frames, ['abc'], 'the window starts at the first pending byte and is not extended');
});

test('right after input, output goes out at once; later it is batched again', () => {
  const clock = manualClock();
  const { frames, send } = collect();
  const batcher = new OutputBatcher(send, clock);
  batcher.noteInput();
  batcher.push(Buffer.from('e'));
  clock.advance(INPUT_ECHO_WINDOW_MS - 1);
  batcher.push(Buffer.from('cho'));
  assert.deepEqual(frames, ['e', 'cho']);
  clock.advance(1);
  batcher.push(Buffer.from('late'));
  assert.deepEqual(frames, ['e', 'cho']);
  clock.advance(BATCH_WINDOW_MS);
  assert.deepEqual(frames, ['e', 'cho', 'late']);
});

test('a full batch goes out without waiting, in order with what was pending', () => {
  const clock = manualClock();
  const sizes: number[] = [];
  const batcher = new OutputBatcher((_parts, bytes) => sizes.push(bytes), clock);
  batcher.push(new Uint8Array(10));
  batcher.push(new Uint8Array(BATCH_MAX_BYTES - 10));
  assert.deepEqual(sizes, [BATCH_MAX_BYTES]);
  clock.advance(BATCH_WINDOW_MS);
  assert.deepEqual(sizes, [BATCH_MAX_BYTES], 'the cancelled timer sends no empty frame');
});

test('dispose drops pending bytes and sends nothing later', () => {
  const clock = manualClock();
  const { frames, send } = collect();
  const batcher = new OutputBatcher(send, clock);
  batcher.push(Buffer.from('x'));
  batcher.dispose();
  clock.advance(100);
  batcher.push(Buffer.from('y'));
  assert.deepEqual(frames, []);
});
