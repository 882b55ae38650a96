import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ProgressStore } from './progress-store.ts';

const log = pino({ level: 'silent' });

test('completed steps are kept per lesson and survive reopening', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stepwise-progress-'));
  const file = join(dir, 'state', 'progress.json');
  const store = await ProgressStore.open(file, log);
  assert.deepEqual(store.completedSteps('a'), []);
  assert.deepEqual(await store.markComplete('a', 'first-step'), ['first-step']);
  await Promise.all([store.markComplete('a', 'second'), store.markComplete('b/nested', 'x')]);
  const again = await ProgressStore.open(file, log);
  assert.deepEqual(again.completedSteps('a').sort(), ['first-step', 'second']);
  assert.deepEqual(again.completedSteps('b/nested'), ['x']);
  assert.deepEqual(await readdir(join(dir, 'state')), ['progress.json'], 'no temp files are left behind');
});

test('two stores on one file (two servers) lose no step', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stepwise-progress-'));
  const file = join(dir, 'progress.json');
  const one = await ProgressStore.open(file, log);
  const two = await ProgressStore.open(file, log);
  await one.markComplete('l', 's1');
  await two.markComplete('l', 's2');
  assert.deepEqual((await ProgressStore.open(file, log)).completedSteps('l').sort(), ['s1', 's2']);
});

test('hostile: a corrupt or wrongly shaped file is moved aside, not trusted and not fatal', async () => {
  for (const content of ['{not json', '{"version":1,"lessons":{"a":{"steps":{"s":"yes"}}}}', '[]']) {
    const dir = await mkdtemp(join(tmpdir(), 'stepwise-progress-'));
    const file = join(dir, 'progress.json');
    await writeFile(file, content);
    const store = await ProgressStore.open(file, log);
    assert.deepEqual(store.completedSteps('a'), []);
    const names = await readdir(dir);
    assert.equal(names.filter((n) => n.startsWith('progress.json.unreadable-')).length, 1, content);
    await store.markComplete('a', 's');
    const saved = JSON.parse(await readFile(file, 'utf8')) as {
      lessons: Record<string, { steps: Record<string, { completedAt: string }> }>;
    };
    assert.deepEqual(saved.lessons.a!.steps.s!.completedAt.length > 0, true);
  }
});
