// The watcher's pacing: snapshots wait until the socket took everything before them, and come at most one per
// WATCH_RESYNC_DELAY_MS, however often a learner resizes; output after a snapshot is sent once, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerMessageBody } from '../protocol/index.ts';
import type { SessionClient } from './session-client.ts';
import { TerminalWatcher, WATCH_RESYNC_DELAY_MS, type WatchedScreen } from './terminal-watcher.ts';

/** A screen whose snapshot is `data` at the current position. */
function screen(data: string): WatchedScreen & { advance(n: number): void } {
  let seq = 0;
  return {
    index: 0,
    seq: () => seq,
    snapshot: async (at) => ({ data, seq: Math.max(at, seq), cols: 80, rows: 24 }),
    advance: (n) => {
      seq += n;
    },
  };
}

/** A client that records what it is sent; its socket takes each item at once, or never (a stalled socket). */
function client(takes: boolean): SessionClient & { messages: ServerMessageBody[]; frames: Uint8Array[] } {
  const messages: ServerMessageBody[] = [];
  const frames: Uint8Array[] = [];
  return {
    messages,
    frames,
    send: (m, written) => {
      messages.push(m);
      if (takes) setImmediate(() => written?.());
    },
    sendFrame: (f, written) => {
      frames.push(f);
      if (takes) setImmediate(() => written?.());
    },
    close: () => undefined,
  };
}

const snapshots = (c: { messages: ServerMessageBody[] }) => c.messages.filter((m) => m.type === 'snapshot').length;

test('a learner resizing in a loop gets the watcher at most one snapshot per pacing interval', async () => {
  const c = client(true);
  const watcher = new TerminalWatcher(screen('x'.repeat(100_000)), c);
  const started = performance.now();
  while (performance.now() - started < 3 * WATCH_RESYNC_DELAY_MS) {
    watcher.resized();
    await sleep(5);
  }
  await sleep(WATCH_RESYNC_DELAY_MS + 50);
  watcher.dispose();
  const n = snapshots(c);
  assert.ok(n >= 2 && n <= 5, `${n} snapshots in about ${4 * WATCH_RESYNC_DELAY_MS} ms of resizes`);
});

test('a stalled socket gets no second snapshot: the first one has not been taken', async () => {
  const c = client(false);
  const watcher = new TerminalWatcher(screen('y'.repeat(1000)), c);
  await sleep(10);
  for (let i = 0; i < 50; i++) watcher.resized();
  await sleep(2 * WATCH_RESYNC_DELAY_MS);
  watcher.dispose();
  assert.equal(snapshots(c), 1);
});

test('output after the snapshot is sent once, in order', async () => {
  const c = client(true);
  const s = screen('');
  const watcher = new TerminalWatcher(s, c);
  await sleep(10);
  for (const text of ['one ', 'two ', 'three']) {
    s.advance(text.length);
    watcher.output(Buffer.from(text));
  }
  watcher.flush();
  watcher.dispose();
  const text = Buffer.concat(c.frames.map((f) => Buffer.from(f.subarray(1)))).toString();
  assert.equal(text, 'one two three');
});
