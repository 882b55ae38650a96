// One class (DESIGN.md "Classes"): its code, its roster and each learner's progress, kept in the class's
// database, and the live facts around them (who is online). Joining, authenticating a learner, recording check
// attempts and removing a learner all go through here; every change fires `onUpdate` with the learner's new row,
// which is what the instructor's view shows. No HTTP here.
import type { ClassLearnerView, ClassStepView, ClassUpdate, ClassView, OnStepView } from '../protocol/index.ts';
import { CodedError, Emitter, type Disposable, toDisposable } from '../protocol/index.ts';
import type { ProgressTracker } from '../terminal/index.ts';
import { classFilePath, checkClassName } from './class-file.ts';
import { checkLearnerName, nameKey } from './learner-name.ts';
import { DEFAULT_MAX_LEARNERS, MAX_FAILURE_REASON_CHARS } from './limits.ts';
import { codeMatches, hashSecret, newClassCode, newLearnerId, newSecret, secretMatches } from './secrets.ts';
import { ClassStore, type LearnerRecord, type ProgressRecord } from './store.ts';
import { ClassStoreError } from './schema.ts';

/** The lessons a class shows: their steps in order, and whether steps unlock by passing checks. */
export interface ClassLesson {
  id: string;
  unlock: 'checks' | 'free';
  steps: readonly { id: string }[];
}

export interface ClassroomOptions {
  /** stepwise's state folder; the database goes in its `classes/` folder. */
  stateDir: string;
  name: string;
  maxLearners?: number;
  /** The lessons served, asked afresh for each view (lessons reload with --watch). */
  lessons: () => readonly ClassLesson[];
  /** Now, as an ISO 8601 string (tests may fix it). */
  now?: () => string;
}

export type JoinErrorCode = 'BAD_CLASS_CODE' | 'NAME_TAKEN' | 'BAD_NAME' | 'CLASS_FULL';

export class JoinError extends CodedError<JoinErrorCode> {}

export interface Joined {
  learner: LearnerRecord;
  /** The learner's secret, in the clear: it goes into their cookie and rejoin URL, and is never stored. */
  secret: string;
}

export interface ResultRow {
  learner: string;
  learnerId: string;
  lesson: string;
  step: string;
  status: ClassStepView['status'];
  attempts: number;
  firstPassedAt: string | null;
  lastFailure: string | null;
}

export class Classroom implements Disposable {
  private readonly _onUpdate = new Emitter<ClassUpdate>();
  /** Fires after every change a grid would show: a join, a check attempt, a learner going online or offline, a removal. */
  readonly onUpdate = this._onUpdate.event;
  private readonly online = new Map<string, number>(); // learner id → open connections
  /** The lesson each learner opened last, and when (kept in memory: after a restart their last attempt says). */
  private readonly lastOpened = new Map<string, { lessonId: string; at: string }>();
  private readonly maxLearners: number;

  /** How many learners this class admits. */
  get capacity(): number {
    return this.maxLearners;
  }
  private readonly now: () => string;

  private constructor(
    private readonly store: ClassStore,
    readonly name: string,
    readonly code: string,
    private readonly opts: ClassroomOptions,
  ) {
    this.maxLearners = opts.maxLearners ?? DEFAULT_MAX_LEARNERS;
    this.now = opts.now ?? (() => new Date().toISOString());
  }

  /**
   * Opens the class `name`, creating it on first use. An existing class keeps its code, roster and progress.
   * `instructorToken` replaces the stored token's hash: the instructor URL printed by this run is the one that works.
   */
  static open(opts: ClassroomOptions, instructorToken: string): Classroom {
    const name = checkClassName(opts.name);
    const store = ClassStore.open(classFilePath(opts.stateDir, name));
    try {
      let record = store.classRecord();
      if (record === undefined) {
        store.createClass({
          name,
          code: newClassCode(),
          instructorTokenHash: hashSecret(instructorToken),
          createdAt: new Date().toISOString(),
        });
        record = store.classRecord();
      } else {
        if (record.name !== name)
          throw new ClassStoreError('CLASS_NAME_MISMATCH', `${store.file} holds class "${record.name}", not "${name}"`);
        store.setInstructorTokenHash(hashSecret(instructorToken));
      }
      if (record === undefined)
        throw new ClassStoreError('CLASS_DB_UNREADABLE', `${store.file}: the class record was not written`);
      return new Classroom(store, record.name, record.code, opts);
    } catch (e: unknown) {
      store.close();
      throw e;
    }
  }

  get file(): string {
    return this.store.file;
  }

  join(code: string, typedName: unknown): Joined {
    if (!codeMatches(this.code, code))
      throw new JoinError('BAD_CLASS_CODE', "that is not this class's code; check it on the instructor's screen");
    const checked = checkLearnerName(typedName);
    if (!checked.ok) throw new JoinError('BAD_NAME', checked.reason);
    const secret = newSecret();
    const learner = {
      id: newLearnerId(),
      name: checked.name,
      nameKey: nameKey(checked.name),
      secretHash: hashSecret(secret),
      joinedAt: this.now(),
    };
    const added = this.store.addLearner(learner, this.maxLearners);
    if (!added.ok) {
      throw added.why === 'NAME_TAKEN'
        ? new JoinError('NAME_TAKEN', `someone in this class is already called "${checked.name}"; add an initial`)
        : new JoinError('CLASS_FULL', `this class is full (${this.maxLearners} learners)`);
    }
    const joined = { ...learner, removed: false };
    this.fireLearner(joined);
    return { learner: joined, secret };
  }

  /** The learner whose id and secret these are, unless removed. */
  authenticate(learnerId: string, secret: string): LearnerRecord | undefined {
    const learner = this.store.learner(learnerId);
    if (!learner || learner.removed || !secretMatches(learner.secretHash, secret)) return undefined;
    return learner;
  }

  isLearner(learnerId: string): boolean {
    const learner = this.store.learner(learnerId);
    return learner !== undefined && !learner.removed;
  }

  /** Removes a learner: their cookie stops working at once; their progress stays in the results. */
  remove(learnerId: string): boolean {
    const removed = this.store.removeLearner(learnerId);
    if (removed) {
      this.online.delete(learnerId);
      this.lastOpened.delete(learnerId);
      this._onUpdate.fire({ kind: 'removed', learnerId });
    }
    return removed;
  }

  /** A connection of this learner opened; disposing the result says it closed. */
  connected(learnerId: string): Disposable {
    this.online.set(learnerId, (this.online.get(learnerId) ?? 0) + 1);
    if (this.online.get(learnerId) === 1) this.fireLearnerId(learnerId);
    return toDisposable(() => {
      const left = (this.online.get(learnerId) ?? 1) - 1;
      if (left > 0) {
        this.online.set(learnerId, left);
        return;
      }
      this.online.delete(learnerId);
      this.fireLearnerId(learnerId);
    });
  }

  /** A session of `lessonId` was made for this learner: the grid shows them in that lesson from now on. */
  opened(learnerId: string, lessonId: string): void {
    if (this.lastOpened.get(learnerId)?.lessonId === lessonId) return; // a reload is not a new start on the step
    this.lastOpened.set(learnerId, { lessonId, at: this.now() });
    this.fireLearnerId(learnerId);
  }

  /** Where a learner's sessions record completed steps and failed attempts. */
  progressFor(learnerId: string): ProgressTracker {
    return {
      completedSteps: (lessonId) => this.completedSteps(learnerId, lessonId),
      markComplete: async (lessonId, stepId) => {
        this.record(learnerId, lessonId, stepId, true, null);
        return this.completedSteps(learnerId, lessonId);
      },
      markFailed: async (lessonId, stepId, reason) => {
        this.record(learnerId, lessonId, stepId, false, reason);
      },
    };
  }

  completedSteps(learnerId: string, lessonId: string): string[] {
    return this.store
      .progress(learnerId)
      .filter((p) => p.lessonId === lessonId && p.status === 'passed')
      .map((p) => p.stepId);
  }

  view(): ClassView {
    const progress = groupByLearner(this.store.progress());
    return {
      name: this.name,
      code: this.code,
      learners: this.store.learners().map((l) => this.learnerView(l, progress.get(l.id) ?? [])),
    };
  }

  learnerView(
    learner: LearnerRecord,
    progress: readonly ProgressRecord[] = this.store.progress(learner.id),
  ): ClassLearnerView {
    const lessons: ClassLearnerView['lessons'] = {};
    const served = this.opts.lessons();
    for (const lesson of served) lessons[lesson.id] = { steps: stepViews(lesson, progress) };
    return {
      id: learner.id,
      name: learner.name,
      online: this.online.has(learner.id),
      joinedAt: learner.joinedAt,
      onStep: onStep(served, progress, this.lastOpened.get(learner.id)),
      lessons,
    };
  }

  learners(): LearnerRecord[] {
    return this.store.learners();
  }

  /** One row per learner × lesson × step, for the CSV and JUnit exports. */
  resultRows(): ResultRow[] {
    const rows: ResultRow[] = [];
    for (const learner of this.view().learners) {
      for (const [lesson, { steps }] of Object.entries(learner.lessons)) {
        for (const step of steps) {
          rows.push({
            learner: learner.name,
            learnerId: learner.id,
            lesson,
            step: step.id,
            status: step.status,
            attempts: step.attempts,
            firstPassedAt: step.passedAt,
            lastFailure: step.lastFailure,
          });
        }
      }
    }
    return rows;
  }

  dispose(): void {
    this._onUpdate.dispose();
    this.store.close();
  }

  private record(learnerId: string, lessonId: string, stepId: string, passed: boolean, reason: string | null): void {
    if (!this.isLearner(learnerId)) return; // removed while a check ran: nothing to record for them
    const bounded = reason === null ? null : Array.from(reason).slice(0, MAX_FAILURE_REASON_CHARS).join('');
    this.store.recordAttempt({ learnerId, lessonId, stepId, passed, reason: bounded, at: this.now() });
    this.fireLearnerId(learnerId);
  }

  private fireLearnerId(learnerId: string): void {
    const learner = this.store.learner(learnerId);
    if (learner && !learner.removed) this.fireLearner(learner);
  }

  private fireLearner(learner: LearnerRecord): void {
    if (this._onUpdate.hasListeners) this._onUpdate.fire({ kind: 'learner', learner: this.learnerView(learner) });
  }
}

/**
 * The step a learner is on: in the lesson they opened last (or, after a restart, the one they last checked a step
 * of), the first step not passed; since they opened the lesson or passed the step before it, whichever is later.
 */
function onStep(
  lessons: readonly ClassLesson[],
  progress: readonly ProgressRecord[],
  opened: { lessonId: string; at: string } | undefined,
): OnStepView | null {
  let lessonId = opened?.lessonId;
  let since = opened?.at;
  if (lessonId === undefined) {
    const latest = progress.reduce<ProgressRecord | undefined>(
      (a, p) => (a === undefined || p.lastAttemptAt > a.lastAttemptAt ? p : a),
      undefined,
    );
    if (!latest) return null;
    lessonId = latest.lessonId;
  }
  const lesson = lessons.find((l) => l.id === lessonId);
  if (!lesson) return null;
  const passedAt = new Map(
    progress.filter((p) => p.lessonId === lessonId && p.firstPassedAt !== null).map((p) => [p.stepId, p.firstPassedAt]),
  );
  const index = lesson.steps.findIndex((s) => !passedAt.has(s.id));
  const previous = index === -1 ? lesson.steps.at(-1) : index > 0 ? lesson.steps[index - 1] : undefined;
  const previousPassedAt = previous ? passedAt.get(previous.id) : undefined;
  // ISO 8601 strings in UTC compare in time order.
  if (previousPassedAt && (since === undefined || previousPassedAt > since)) since = previousPassedAt;
  if (since === undefined) return null;
  return { lessonId, stepId: index === -1 ? null : (lesson.steps[index]?.id ?? null), since };
}

function groupByLearner(rows: readonly ProgressRecord[]): Map<string, ProgressRecord[]> {
  const map = new Map<string, ProgressRecord[]>();
  for (const row of rows) {
    const list = map.get(row.learnerId);
    if (list) list.push(row);
    else map.set(row.learnerId, [row]);
  }
  return map;
}

/** A step is passed or failed once checked; otherwise open when the lesson is free, it is first, or the step before passed. */
function stepViews(lesson: ClassLesson, progress: readonly ProgressRecord[]): ClassStepView[] {
  const byStep = new Map(progress.filter((p) => p.lessonId === lesson.id).map((p) => [p.stepId, p]));
  let previousPassed = true;
  return lesson.steps.map((step) => {
    const p = byStep.get(step.id);
    const status: ClassStepView['status'] = p
      ? p.status
      : lesson.unlock === 'free' || previousPassed
        ? 'open'
        : 'locked';
    previousPassed = status === 'passed';
    return {
      id: step.id,
      status,
      attempts: p?.attempts ?? 0,
      passedAt: p?.firstPassedAt ?? null,
      lastFailure: p?.lastFailureReason ?? null,
    };
  });
}
