// The class database's schema, by version (PRAGMA user_version). A file written by a newer stepwise is refused,
// never rewritten: its data would be lost to a schema this version cannot read.
import type { Database } from 'better-sqlite3';
import { CodedError } from '../protocol/index.ts';

export const SCHEMA_VERSION = 1;

const MIGRATIONS: readonly string[] = [
  // 0 → 1
  `
  CREATE TABLE class (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    instructor_token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE learner (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1))
  );
  CREATE UNIQUE INDEX learner_name ON learner (name_key) WHERE removed = 0;
  CREATE TABLE progress (
    learner_id TEXT NOT NULL REFERENCES learner (id),
    lesson_id TEXT NOT NULL,
    step_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('passed', 'failed')),
    attempts INTEGER NOT NULL CHECK (attempts >= 1),
    first_passed_at TEXT,
    last_failure_reason TEXT,
    last_attempt_at TEXT NOT NULL,
    PRIMARY KEY (learner_id, lesson_id, step_id)
  );
  `,
];

export class ClassStoreError extends CodedError<'CLASS_DB_NEWER' | 'CLASS_DB_UNREADABLE' | 'CLASS_NAME_MISMATCH'> {}

/** Brings the file to SCHEMA_VERSION, each step in one transaction. */
export function migrate(db: Database, file: string): void {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new ClassStoreError('CLASS_DB_UNREADABLE', `${file}: no schema version`);
  if (version > SCHEMA_VERSION) {
    throw new ClassStoreError(
      'CLASS_DB_NEWER',
      `${file} was written by a newer stepwise (schema ${version}; this one reads up to ${SCHEMA_VERSION})`,
    );
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
