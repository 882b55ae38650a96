import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ClassStore } from './store.ts';
import { ClassStoreError, SCHEMA_VERSION } from './schema.ts';

async function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'stepwise-class-store-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const learner = (id: string, name: string) => ({
  id,
  name,
  nameKey: name.toLowerCase(),
  secretHash: 'ab'.repeat(32),
  joinedAt: `2026-01-01T00:00:0${id}Z`,
});

test('a new database is private, in WAL mode at the current schema version, and keeps what was written', () =>
  withDir(async (dir) => {
    const file = join(dir, 'classes', 'c.sqlite');
    const store = ClassStore.open(file);
    store.createClass({ name: 'C', code: 'ABCD-EFGH', instructorTokenHash: 'ff', createdAt: 'now' });
    assert.deepEqual(store.addLearner(learner('1', 'Ana'), 2), { ok: true });
    assert.deepEqual(store.addLearner(learner('2', 'ana'), 2), { ok: false, why: 'NAME_TAKEN' });
    assert.deepEqual(store.addLearner(learner('3', 'Bo'), 2), { ok: true });
    assert.deepEqual(store.addLearner(learner('4', 'Cy'), 2), { ok: false, why: 'CLASS_FULL' });
    store.close();
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'classes'))).mode & 0o777, 0o700);

    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    raw.close();

    const again = ClassStore.open(file);
    assert.equal(again.classRecord()?.code, 'ABCD-EFGH');
    assert.deepEqual(
      again.learners().map((l) => l.name),
      ['Ana', 'Bo'],
    );
    assert.equal(again.removeLearner('1'), true);
    assert.equal(again.removeLearner('1'), false);
    assert.deepEqual(
      again.addLearner(learner('5', 'ANA'), 2),
      { ok: true },
      'a removed learner frees the name and the seat',
    );
    again.close();
  }));

test('attempts count, a pass is for good, and the last failure reason is kept', () =>
  withDir((dir) => {
    const store = ClassStore.open(join(dir, 'c.sqlite'));
    store.addLearner(learner('1', 'Ana'), 10);
    const at = (n: number) => `2026-01-01T00:00:0${n}Z`;
    const key = { learnerId: '1', lessonId: 'l', stepId: 's' };
    assert.equal(store.recordAttempt({ ...key, passed: false, reason: 'no file', at: at(1) }).status, 'failed');
    const passed = store.recordAttempt({ ...key, passed: true, reason: null, at: at(2) });
    assert.deepEqual(
      [passed.status, passed.attempts, passed.firstPassedAt, passed.lastFailureReason],
      ['passed', 2, at(2), 'no file'],
    );
    const later = store.recordAttempt({ ...key, passed: false, reason: 'gone', at: at(3) });
    assert.deepEqual(
      [later.status, later.attempts, later.firstPassedAt, later.lastFailureReason],
      ['passed', 3, at(2), 'gone'],
    );
    assert.throws(
      () => store.recordAttempt({ ...key, learnerId: 'nobody', passed: true, reason: null, at: at(4) }),
      /FOREIGN KEY/,
    );
    store.close();
  }));

test('a file from a newer schema, or not a database at all, is refused with a code and left as it was', () =>
  withDir(async (dir) => {
    const newer = join(dir, 'newer.sqlite');
    const db = new Database(newer);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(
      () => ClassStore.open(newer),
      (e: unknown) => e instanceof ClassStoreError && e.code === 'CLASS_DB_NEWER',
    );
    const junk = join(dir, 'junk.sqlite');
    await writeFile(junk, "this is not sqlite, but it is somebody's file".repeat(100));
    assert.throws(
      () => ClassStore.open(junk),
      (e: unknown) => e instanceof ClassStoreError && e.code === 'CLASS_DB_UNREADABLE',
    );
  }));
