import { test } from 'node:test';
import assert from 'node:assert/strict';
import xtermHeadless from '@xterm/headless';
import { MIRROR_KEEP_AFTER_SKIP_BYTES, MIRROR_MAX_BACKLOG_BYTES, ScreenMirror } from './screen-mirror.ts';

/** Replays a snapshot into a fresh terminal, as the browser does, and reads its visible lines. */
async function replay(data: string, cols: number, rows: number): Promise<string[]> {
  const term = new xtermHeadless.Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
  await new Promise<void>((done) => term.write(data, done));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  term.dispose();
  return lines.filter((l) => l !== '');
}

test('a snapshot redraws the screen and says at which byte it was taken', async () => {
  const mirror = new ScreenMirror({ cols: 40, rows: 5 });
  mirror.write(Buffer.from('first line\r\n\x1b[31mred\x1b[0m line\r\n'));
  const snap = await mirror.snapshot();
  assert.equal(snap.seq, Buffer.byteLength('first line\r\n\x1b[31mred\x1b[0m line\r\n'));
  assert.deepEqual(await replay(snap.data, 40, 5), ['first line', 'red line']);
  mirror.dispose();
});

test('a snapshot asked for at seq n comes at or after n, at a chunk boundary', async () => {
  const mirror = new ScreenMirror({ cols: 40, rows: 5 });
  mirror.write(Buffer.from('aaa\r\n'));
  const asked = mirror.seq;
  const pending = mirror.snapshot(asked);
  mirror.write(Buffer.from('bbb\r\n')); // arrives while the first chunk is being parsed
  const snap = await pending;
  assert.ok(snap.seq === asked || snap.seq === asked + 5, `seq ${snap.seq}`);
  const lines = await replay(snap.data, 40, 5);
  assert.deepEqual(lines, snap.seq === asked ? ['aaa'] : ['aaa', 'bbb'], 'the screen is exactly the bytes before seq');
  mirror.dispose();
});

test('resizes apply at their place in the stream', async () => {
  const mirror = new ScreenMirror({ cols: 80, rows: 5 });
  mirror.write(Buffer.from('x'.repeat(30)));
  mirror.resize({ cols: 10, rows: 5 });
  mirror.write(Buffer.from('\r\n' + 'y'.repeat(15)));
  const snap = await mirror.snapshot();
  assert.equal(snap.cols, 10);
  const lines = await replay(snap.data, 10, 5);
  assert.ok(
    lines.includes('yyyyyyyyyy') && lines.includes('yyyyy'),
    `the later line wrapped at 10: ${JSON.stringify(lines)}`,
  );
  mirror.dispose();
});

test('a flood faster than parsing skips ahead: bounded backlog, newest output kept, seq still exact', async () => {
  const mirror = new ScreenMirror({ cols: 20, rows: 3 });
  const line = Buffer.from('y'.repeat(18) + '\r\n');
  let total = 0;
  for (let i = 0; total < 4 * MIRROR_MAX_BACKLOG_BYTES; i++) {
    mirror.write(line);
    total += line.length;
  }
  mirror.write(Buffer.from('LAST\r\n'));
  total += 6;
  assert.ok(mirror.skippedBytes > 0, 'it skipped');
  assert.ok(mirror.skippedBytes <= total - MIRROR_KEEP_AFTER_SKIP_BYTES + line.length);
  const snap = await mirror.snapshot();
  assert.equal(snap.seq, total);
  assert.ok((await replay(snap.data, 20, 3)).includes('LAST'));
  mirror.dispose();
});

test('dispose rejects waiting snapshots', async () => {
  const mirror = new ScreenMirror({ cols: 20, rows: 3 });
  mirror.write(Buffer.from('x'));
  const pending = mirror.snapshot(10);
  mirror.dispose();
  await assert.rejects(pending, /closed/);
});

test('the headless terminal starts on first need: not for output alone, but for a snapshot of it', async () => {
  const mirror = new ScreenMirror({ cols: 40, rows: 5 });
  const empty = await mirror.snapshot();
  assert.deepEqual(
    [empty.seq, empty.data, mirror.started],
    [0, '', false],
    'nothing written: an empty screen, no terminal',
  );
  mirror.write(Buffer.from('prompt$ '));
  await new Promise((r) => setTimeout(r, 50)); // several parse intervals
  assert.equal(mirror.started, false, 'output only queues');
  assert.deepEqual(
    mirror.outputSinceStart()?.map((b) => Buffer.from(b).toString()),
    ['prompt$ '],
  );
  const snap = await mirror.snapshot();
  assert.equal(mirror.started, true);
  assert.equal(mirror.outputSinceStart(), null, 'once started, the raw output is no longer the whole story');
  assert.deepEqual(await replay(snap.data, 40, 5), ['prompt$ ']);
  mirror.dispose();
});

test('a resize before any output sets the starting size; one after output keeps the raw output from standing in', async () => {
  const mirror = new ScreenMirror({ cols: 40, rows: 5 });
  mirror.resize({ cols: 20, rows: 4 });
  assert.deepEqual(mirror.outputSinceStart(), []);
  mirror.write(Buffer.from('x'.repeat(25)));
  mirror.resize({ cols: 30, rows: 4 });
  assert.equal(mirror.outputSinceStart(), null);
  const snap = await mirror.snapshot();
  assert.deepEqual([snap.cols, snap.rows], [30, 4]);
  assert.deepEqual(
    await replay(snap.data, 30, 4),
    ['x'.repeat(20), 'x'.repeat(5)],
    'drawn at 20 columns, then resized',
  );
  mirror.dispose();
});

test('a backlog that reaches its bound starts the terminal instead of queueing more', () => {
  const mirror = new ScreenMirror({ cols: 40, rows: 5 });
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  for (let sent = 0; sent <= MIRROR_MAX_BACKLOG_BYTES; sent += chunk.length) mirror.write(chunk);
  assert.equal(mirror.started, true);
  mirror.dispose();
});

test('a client that only resizes cannot grow the queue: resizes in a row collapse into the last', async () => {
  const mirror = new ScreenMirror({ cols: 80, rows: 5 });
  mirror.write(Buffer.from('prompt$ '));
  for (let i = 0; i < 10_000; i++) mirror.resize(i % 2 === 0 ? { cols: 100, rows: 30 } : { cols: 60, rows: 20 });
  mirror.resize({ cols: 50, rows: 10 });
  assert.ok(mirror.queuedItems <= 2, `${mirror.queuedItems} items queued after 10,001 resizes`);
  const snap = await mirror.snapshot();
  assert.deepEqual([snap.cols, snap.rows], [50, 10], 'the screen ends at the last size');
  assert.match((await replay(snap.data, 50, 10)).join('\n'), /^prompt\$/);
  mirror.dispose();
});
