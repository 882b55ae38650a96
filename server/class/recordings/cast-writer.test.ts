import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCast, type Cast } from '../../protocol/index.ts';
import { CastWriter, type CastWriterOptions } from './cast-writer.ts';
import { CAST_COALESCE_MS } from './limits.ts';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'stepwise-cast-writer-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A writer on a clock the test moves by hand (ms). */
function writerIn(dir: string, opts: Partial<CastWriterOptions> = {}) {
  const clock = { now: 1000 };
  const path = join(dir, 'a.cast');
  const writer = new CastWriter({
    path,
    width: 80,
    height: 24,
    title: 'Ana · Steps · T1',
    startedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    clock: () => clock.now,
    ...opts,
  });
  return { writer, clock, path };
}

async function castAt(path: string): Promise<Cast> {
  const parsed = parseCast(await readFile(path, 'utf8'));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.cast;
}

const output = (cast: Cast) =>
  cast.events
    .filter((e) => e[1] === 'o')
    .map((e) => e[2])
    .join('');

test('the header is asciicast v2; chunks within the coalescing window are one event; resizes are r events', async () => {
  await withDir(async (dir) => {
    const { writer, clock, path } = writerIn(dir);
    writer.output(Buffer.from('a'));
    clock.now += 5;
    writer.output(Buffer.from('b'));
    clock.now += CAST_COALESCE_MS - 5;
    writer.output(Buffer.from('c')); // still within the window of the first chunk
    clock.now += 30;
    writer.output(Buffer.from('d'));
    clock.now += 100;
    writer.resize(100, 30);
    await writer.finish();
    const cast = await castAt(path);
    assert.deepEqual(cast.header, {
      version: 2,
      width: 80,
      height: 24,
      timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000,
      title: 'Ana · Steps · T1',
      env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
    });
    assert.deepEqual(cast.events, [
      [0, 'o', 'abc'],
      [0.05, 'o', 'd'],
      [0.15, 'r', '100x30'],
    ]);
    assert.equal(writer.state, 'complete');
    assert.equal(writer.bytesWritten, (await stat(path)).size);
  });
});

test('a multi-byte character split across chunks (and events) arrives whole', async () => {
  await withDir(async (dir) => {
    const { writer, clock, path } = writerIn(dir);
    const bytes = Buffer.from('aé🐳z', 'utf8'); // a, c3 a9, f0 9f 90 b3, z
    const cuts = [2, 4, 6, 7, bytes.length]; // the whale's 4 bytes arrive over three chunks
    let from = 0;
    for (const to of cuts) {
      writer.output(bytes.subarray(from, to));
      from = to;
      clock.now += 100; // each chunk its own event
    }
    writer.output(Buffer.from([0xe2, 0x82])); // a truncated euro sign at the very end
    await writer.finish();
    const cast = await castAt(path);
    assert.deepEqual(
      cast.events.map((e) => e[2]),
      ['a', 'é', '🐳', 'z', '\ufffd'],
    );
    assert.ok(!(await readFile(path, 'utf8')).includes('\ufffd\ufffd'), 'one replacement for the cut-off character');
  });
});

test('any chunking of any text records the text exactly (property)', async () => {
  await withDir(async (dir) => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.array(fc.nat({ max: 40 }), { maxLength: 20 }),
        async (text, steps) => {
          const { writer, clock } = writerIn(dir, { path: join(dir, `p${n++}.cast`) });
          const bytes = Buffer.from(text, 'utf8');
          let at = 0;
          for (const step of steps) {
            writer.output(bytes.subarray(at, Math.min(bytes.length, at + step)));
            at = Math.min(bytes.length, at + step);
            clock.now += step; // some chunks coalesce, some do not
          }
          writer.output(bytes.subarray(at));
          await writer.finish();
          const cast = await castAt(join(dir, `p${n - 1}.cast`));
          assert.equal(output(cast), Buffer.from(text, 'utf8').toString('utf8'));
          const times = cast.events.map((e) => e[0]);
          assert.deepEqual(
            times,
            [...times].sort((a, b) => a - b),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

test('at the size cap the cast stops, under the cap, and its last events say it was cut', async () => {
  await withDir(async (dir) => {
    const maxBytes = 8 * 1024;
    const { writer, clock, path } = writerIn(dir, { limits: { maxBytes } });
    for (let i = 0; i < 100; i++) {
      writer.output(Buffer.from(`${'x'.repeat(199)}\n`));
      clock.now += 50;
      await new Promise((resolve) => setImmediate(resolve)); // let the disk keep up: this is the cap, not the queue
    }
    assert.equal(writer.state, 'cut');
    writer.output(Buffer.from('after the cut'));
    await writer.finish();
    assert.equal(writer.state, 'cut');
    const size = (await stat(path)).size;
    assert.ok(size <= maxBytes, `${size} bytes > ${maxBytes}`);
    assert.ok(size > maxBytes - 1024 - 300, `${size} bytes: the cap should be nearly used`);
    const cast = await castAt(path);
    const [marker, notice] = cast.events.slice(-2);
    assert.equal(marker?.[1], 'm');
    assert.match(marker?.[2] ?? '', /recording cut at its size limit of 8192 bytes/);
    assert.match(notice?.[2] ?? '', /the recording stops here/);
    assert.ok(!output(cast).includes('after the cut'));
  });
});

test('when the disk is behind, output is dropped, never queued without bound, and the gap is marked', async () => {
  await withDir(async (dir) => {
    const maxQueuedBytes = 4 * 1024;
    const { writer, clock, path } = writerIn(dir, { limits: { maxQueuedBytes } });
    const event = 'y'.repeat(1000);
    const sent = 50;
    // All in one turn of the event loop: the stream cannot write any of it yet.
    for (let i = 0; i < sent; i++) {
      writer.output(Buffer.from(event));
      clock.now += 50;
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // the queue drains
    writer.output(Buffer.from('later'));
    await writer.finish();
    const cast = await castAt(path);
    const gap = cast.events.find((e) => e[1] === 'm');
    assert.ok(gap, 'a gap marker');
    const lost = Number(/(\d+) bytes of output were not recorded/.exec(gap[2])?.[1]);
    const recorded = cast.events.filter((e) => e[1] === 'o' && e[2] === event).length;
    assert.ok(recorded >= 1 && recorded < sent, `${recorded} of ${sent} flood events recorded`);
    assert.equal(recorded * event.length + lost, sent * event.length, 'every byte is recorded or counted lost');
    assert.ok(recorded * 1000 <= maxQueuedBytes + 1100, 'no more than the queue bound (plus one event) was queued');
    assert.equal(cast.events.at(-1)?.[2], 'later');
  });
});

test('an existing file is never written over: the writer stops as interrupted and says why', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'a.cast');
    await writeFile(path, 'not yours');
    const errors: Error[] = [];
    const { writer } = writerIn(dir, { onError: (e) => errors.push(e) });
    writer.output(Buffer.from('hello'));
    await writer.finish();
    assert.equal(writer.state, 'interrupted');
    assert.match(errors[0]?.message ?? '', /EEXIST/);
    assert.equal(await readFile(path, 'utf8'), 'not yours');
  });
});

test('one event larger than the queue bound (control bytes escape to six characters each) is still recorded', async () => {
  await withDir(async (dir) => {
    const maxQueuedBytes = 4 * 1024;
    const { writer, clock, path } = writerIn(dir, { limits: { maxQueuedBytes, maxEventChars: 2000 } });
    const controls = '\x01'.repeat(2000); // 2000 characters, about 12 KB once escaped: three times the bound
    await new Promise((resolve) => setTimeout(resolve, 20)); // the header is on disk: the queue is empty
    writer.output(Buffer.from(controls));
    clock.now += 50;
    await writer.finish();
    assert.equal(output(await castAt(path)), controls);
  });
});

test('a size change dropped while the disk is behind is written with the gap mark, so a replay has the right size', async () => {
  await withDir(async (dir) => {
    const { writer, clock, path } = writerIn(dir, { limits: { maxQueuedBytes: 2035 } });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the header is on disk: the queue is empty
    for (let i = 0; i < 2; i++) {
      clock.now += 50;
      writer.output(Buffer.from('z'.repeat(1000))); // two events of about 1014 bytes: the queue is nearly full
    }
    clock.now += 50;
    writer.resize(132, 43); // about 20 bytes more than the queue may hold: dropped, and remembered
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.now += 50;
    writer.output(Buffer.from('after'));
    await writer.finish();
    const events = (await castAt(path)).events;
    const gapAt = events.findIndex((e) => e[1] === 'm');
    assert.ok(gapAt >= 0, `a gap marker in ${JSON.stringify(events.map((e) => [e[1], e[2].slice(0, 10)]))}`);
    assert.ok(
      events.slice(gapAt).some((e) => e[1] === 'r' && e[2] === '132x43'),
      'the size after the gap',
    );
  });
});
