// One class's state in an embedded SQLite database (DESIGN.md "Classes", "State"): the class, its roster with
// hashed secrets, and per-step progress with attempts. WAL mode with synchronous=FULL: a committed write is in
// the WAL before the call returns, so `kill -9` (or a power cut) loses at most the write in flight, and the file
// is never left half-written. Progress writes are a few per learner per minute, so the fsync each costs is cheap.
// Rows are validated with zod as they come out: the file is input like any other.
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { ClassStoreError, migrate } from './schema.ts';

/** How long a write waits for another connection's lock (ms); only a second process (a test, a backup) holds one. */
const BUSY_TIMEOUT_MS = 5_000;

export interface ClassRecord {
  name: string;
  code: string;
  instructorTokenHash: string;
  createdAt: string;
}

export interface LearnerRecord {
  id: string;
  name: string;
  nameKey: string;
  secretHash: string;
  joinedAt: string;
  removed: boolean;
}

export type StepStatus = 'passed' | 'failed';

export interface ProgressRecord {
  learnerId: string;
  lessonId: string;
  stepId: string;
  status: StepStatus;
  attempts: number;
  firstPassedAt: string | null;
  lastFailureReason: string | null;
  lastAttemptAt: string;
}

export type AddLearnerResult = { ok: true } | { ok: false; why: 'NAME_TAKEN' | 'CLASS_FULL' };

const classRow = z.object({
  name: z.string(),
  code: z.string(),
  instructor_token_hash: z.string(),
  created_at: z.string(),
});
const learnerRow = z.object({
  id: z.string(),
  name: z.string(),
  name_key: z.string(),
  secret_hash: z.string(),
  joined_at: z.string(),
  removed: z.union([z.literal(0), z.literal(1)]),
});
const progressRow = z.object({
  learner_id: z.string(),
  lesson_id: z.string(),
  step_id: z.string(),
  status: z.enum(['passed', 'failed']),
  attempts: z.number().int().min(1),
  first_passed_at: z.string().nullable(),
  last_failure_reason: z.string().nullable(),
  last_attempt_at: z.string(),
});

export class ClassStore {
  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
  ) {}

  /** Opens (creating if needed) the database at `file`; its folder is made private to this user. */
  static open(file: string): ClassStore {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      migrate(db, file);
      chmodSync(file, 0o600); // names and progress are this user's business; SQLite gives -wal and -shm the same mode
    } catch (e: unknown) {
      db.close();
      if (e instanceof ClassStoreError) throw e;
      throw new ClassStoreError(
        'CLASS_DB_UNREADABLE',
        `${file} is not a readable class database: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    return new ClassStore(file, db);
  }

  classRecord(): ClassRecord | undefined {
    const row: unknown = this.db
      .prepare('SELECT name, code, instructor_token_hash, created_at FROM class WHERE id = 1')
      .get();
    if (row === undefined) return undefined;
    const r = classRow.parse(row);
    return { name: r.name, code: r.code, instructorTokenHash: r.instructor_token_hash, createdAt: r.created_at };
  }

  createClass(record: ClassRecord): void {
    this.db
      .prepare('INSERT INTO class (id, name, code, instructor_token_hash, created_at) VALUES (1, ?, ?, ?, ?)')
      .run(record.name, record.code, record.instructorTokenHash, record.createdAt);
  }

  setInstructorTokenHash(hash: string): void {
    this.db.prepare('UPDATE class SET instructor_token_hash = ? WHERE id = 1').run(hash);
  }

  /** Adds a learner unless the name is taken (by a learner not removed) or `maxLearners` are already in. */
  addLearner(learner: Omit<LearnerRecord, 'removed'>, maxLearners: number): AddLearnerResult {
    return this.db
      .transaction((): AddLearnerResult => {
        const taken: unknown = this.db
          .prepare('SELECT 1 FROM learner WHERE name_key = ? AND removed = 0')
          .get(learner.nameKey);
        if (taken !== undefined) return { ok: false, why: 'NAME_TAKEN' };
        const count = z.number().parse(this.db.prepare('SELECT COUNT(*) FROM learner WHERE removed = 0').pluck().get());
        if (count >= maxLearners) return { ok: false, why: 'CLASS_FULL' };
        this.db
          .prepare('INSERT INTO learner (id, name, name_key, secret_hash, joined_at) VALUES (?, ?, ?, ?, ?)')
          .run(learner.id, learner.name, learner.nameKey, learner.secretHash, learner.joinedAt);
        return { ok: true };
      })
      .immediate();
  }

  learner(id: string): LearnerRecord | undefined {
    const row: unknown = this.db.prepare('SELECT * FROM learner WHERE id = ?').get(id);
    return row === undefined ? undefined : toLearner(learnerRow.parse(row));
  }

  /** The roster (learners not removed), in joining order. */
  learners(): LearnerRecord[] {
    return this.db
      .prepare('SELECT * FROM learner WHERE removed = 0 ORDER BY joined_at, rowid')
      .all()
      .map((row) => toLearner(learnerRow.parse(row)));
  }

  /** Marks the learner removed: their secret stops working and their name is free again. Progress is kept. */
  removeLearner(id: string): boolean {
    return this.db.prepare('UPDATE learner SET removed = 1 WHERE id = ? AND removed = 0').run(id).changes === 1;
  }

  /**
   * One check attempt. A pass is for good (status stays passed, first_passed_at is the first pass); a failure
   * after it still counts an attempt and keeps its reason.
   */
  recordAttempt(attempt: {
    learnerId: string;
    lessonId: string;
    stepId: string;
    passed: boolean;
    reason: string | null;
    at: string;
  }): ProgressRecord {
    const { learnerId, lessonId, stepId, passed, reason, at } = attempt;
    this.db
      .prepare(
        `INSERT INTO progress (learner_id, lesson_id, step_id, status, attempts, first_passed_at, last_failure_reason, last_attempt_at)
         VALUES (@learnerId, @lessonId, @stepId, @status, 1, @passedAt, @reason, @at)
         ON CONFLICT (learner_id, lesson_id, step_id) DO UPDATE SET
           status = CASE WHEN status = 'passed' THEN 'passed' ELSE excluded.status END,
           attempts = attempts + 1,
           first_passed_at = COALESCE(first_passed_at, excluded.first_passed_at),
           last_failure_reason = COALESCE(excluded.last_failure_reason, last_failure_reason),
           last_attempt_at = excluded.last_attempt_at`,
      )
      .run({
        learnerId,
        lessonId,
        stepId,
        status: passed ? 'passed' : 'failed',
        passedAt: passed ? at : null,
        reason: passed ? null : reason,
        at,
      });
    const row: unknown = this.db
      .prepare('SELECT * FROM progress WHERE learner_id = ? AND lesson_id = ? AND step_id = ?')
      .get(learnerId, lessonId, stepId);
    return toProgress(progressRow.parse(row));
  }

  /** Progress rows, of one learner or of everyone, ordered by learner, lesson and step. */
  progress(learnerId?: string): ProgressRecord[] {
    const rows =
      learnerId === undefined
        ? this.db.prepare('SELECT * FROM progress ORDER BY learner_id, lesson_id, step_id').all()
        : this.db.prepare('SELECT * FROM progress WHERE learner_id = ? ORDER BY lesson_id, step_id').all(learnerId);
    return rows.map((row) => toProgress(progressRow.parse(row)));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toLearner(r: z.infer<typeof learnerRow>): LearnerRecord {
  return {
    id: r.id,
    name: r.name,
    nameKey: r.name_key,
    secretHash: r.secret_hash,
    joinedAt: r.joined_at,
    removed: r.removed === 1,
  };
}

function toProgress(r: z.infer<typeof progressRow>): ProgressRecord {
  return {
    learnerId: r.learner_id,
    lessonId: r.lesson_id,
    stepId: r.step_id,
    status: r.status,
    attempts: r.attempts,
    firstPassedAt: r.first_passed_at,
    lastFailureReason: r.last_failure_reason,
    lastAttemptAt: r.last_attempt_at,
  };
}
