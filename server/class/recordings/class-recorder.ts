// Records every terminal of every learner's session in a class (DESIGN.md "Classes", issue 11), one asciicast v2
// file per terminal opening: T1 at start, T2... on demand, and each again after a Reset (a new recording; the old
// one ends). Sessions without an owner (the instructor's own) are not recorded. A recording ends with its
// terminal's replacement, its session's close, or the recorder's close.
//
// A removed learner's recordings stay on disk, as their results stay in the database, until the class's casts
// folder is deleted with the class; the routes list only learners on the roster, as the results exports do.
import type { Disposable, RecordingInfo } from '../../protocol/index.ts';
import { DisposableStore } from '../../protocol/index.ts';
import type { Session, SessionManager, TerminalOpened } from '../../terminal/index.ts';
import { CastWriter } from './cast-writer.ts';
import { DEFAULT_CAST_LIMITS, MIN_RECORDING_BUDGET_BYTES, type CastLimits } from './limits.ts';
import { RecordingBudget, type RecordingBudgetLimits } from './recording-budget.ts';
import {
  castSize,
  newRecordingId,
  readMeta,
  recordingIdsOf,
  recordingPaths,
  stateOf,
  writeEndMeta,
  writeStartMeta,
  type RecordingMeta,
  type RecordingPaths,
} from './recording-files.ts';

export interface ClassRecorderOptions {
  sessions: SessionManager;
  /** The class's casts folder (castsDirOf the class database). */
  dir: string;
  /** A learner's name, for the cast's title and the download's file name. */
  learnerName: (learnerId: string) => string | undefined;
  limits?: Partial<CastLimits>;
  /** Cast bytes per learner and per class, in all (default: limits.ts). */
  budget?: RecordingBudgetLimits;
  /** A recording could not be started or written; the learner's session goes on regardless. */
  onError?: (e: unknown, recording: string) => void;
}

interface LiveRecording {
  meta: RecordingMeta;
  paths: RecordingPaths;
  writer: CastWriter;
  subscriptions: DisposableStore;
  session: Session;
  /** Bytes reserved in the budget for this cast (its cap). */
  reserved: number;
}

export interface RecordingFile {
  meta: RecordingMeta;
  path: string;
  /** Bytes to serve: all of a finished cast, or the whole lines written so far of a live one. */
  bytes: number;
}

export class ClassRecorder implements Disposable {
  private readonly store = new DisposableStore();
  private readonly live = new Map<string, LiveRecording>();
  private readonly followed = new Map<Session, { terminals: Map<number, LiveRecording>; hold: Disposable }>();
  private readonly ending = new Set<Promise<void>>();
  private readonly budget: RecordingBudget;

  constructor(private readonly opts: ClassRecorderOptions) {
    this.budget = new RecordingBudget(opts.dir, opts.budget);
    this.store.add(opts.sessions.onStarting((s) => this.follow(s)));
    this.store.add(opts.sessions.onClosed((s) => this.unfollow(s)));
  }

  /** A learner's recordings, oldest first. */
  async list(learnerId: string): Promise<RecordingInfo[]> {
    const infos: RecordingInfo[] = [];
    for (const id of await recordingIdsOf(this.opts.dir, learnerId)) {
      const file = await this.find(learnerId, id);
      if (!file) continue;
      const { meta } = file;
      infos.push({
        id,
        lessonId: meta.lessonId,
        terminal: meta.terminal,
        startedAt: meta.startedAt,
        bytes: file.bytes,
        state: stateOf(meta, this.live.get(id)?.writer.state),
      });
    }
    return infos.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.terminal - b.terminal);
  }

  /** One recording of a learner, or undefined if there is no such recording (or the ids are malformed). */
  async find(learnerId: string, recordingId: string): Promise<RecordingFile | undefined> {
    const paths = recordingPaths(this.opts.dir, learnerId, recordingId);
    if (!paths) return undefined;
    const meta = await readMeta(paths);
    if (!meta || meta.id !== recordingId || meta.learnerId !== learnerId) return undefined;
    const live = this.live.get(recordingId);
    const bytes = live ? live.writer.bytesWritten : await castSize(paths);
    return { meta: live?.meta ?? meta, path: paths.cast, bytes };
  }

  /** Ends every recording and waits until their files are closed. */
  async close(): Promise<void> {
    this.store.dispose();
    for (const session of [...this.followed.keys()]) this.unfollow(session);
    await Promise.all([...this.ending]);
  }

  dispose(): void {
    void this.close();
  }

  private follow(session: Session): void {
    if (session.owner === null || this.store.isDisposed) return;
    const hold = session.onTerminalOpened((t) => this.start(session, t));
    this.followed.set(session, { terminals: new Map(), hold });
  }

  private unfollow(session: Session): void {
    const followed = this.followed.get(session);
    if (!followed) return;
    this.followed.delete(session);
    followed.hold.dispose();
    for (const recording of followed.terminals.values()) this.end(recording);
  }

  private start(session: Session, opened: TerminalOpened): void {
    const followed = this.followed.get(session);
    const owner = session.owner;
    if (!followed || owner === null) return;
    const previous = followed.terminals.get(opened.term);
    if (previous) this.end(previous);
    const id = newRecordingId();
    // Emitters call listeners synchronously: nothing here may throw into the terminal's opening.
    try {
      const left = this.budget.left(owner);
      if (left < MIN_RECORDING_BUDGET_BYTES)
        throw new Error(`the recordings of learner ${owner} (or of the class) have used up their disk budget`);
      const reserved = Math.min(this.opts.limits?.maxBytes ?? DEFAULT_CAST_LIMITS.maxBytes, left);
      const paths = recordingPaths(this.opts.dir, owner, id);
      if (!paths) throw new Error(`learner id ${JSON.stringify(owner.slice(0, 64))} cannot name a folder`);
      const startedAt = Date.now();
      const learnerName = this.opts.learnerName(owner) ?? owner;
      const meta: RecordingMeta = {
        id,
        learnerId: owner,
        learnerName,
        lessonId: session.lesson.id,
        lessonTitle: session.lesson.title,
        terminal: opened.term,
        startedAt: new Date(startedAt).toISOString(),
      };
      writeStartMeta(paths, meta);
      const writer = new CastWriter({
        path: paths.cast,
        width: opened.size.cols,
        height: opened.size.rows,
        title: `${learnerName} · ${session.lesson.title} · T${opened.term + 1}`,
        startedAt,
        limits: { ...this.opts.limits, maxBytes: reserved },
        onError: (e) => this.opts.onError?.(e, id),
      });
      writer.output(opened.startup);
      const subscriptions = new DisposableStore();
      subscriptions.add(opened.onOutput((chunk) => writer.output(chunk)));
      subscriptions.add(opened.onResize((size) => writer.resize(size.cols, size.rows)));
      this.budget.reserve(owner, reserved);
      const recording: LiveRecording = { meta, paths, writer, subscriptions, session, reserved };
      this.live.set(id, recording);
      followed.terminals.set(opened.term, recording);
    } catch (e: unknown) {
      this.opts.onError?.(e, id);
    }
  }

  private end(recording: LiveRecording): void {
    recording.subscriptions.dispose();
    this.followed.get(recording.session)?.terminals.delete(recording.meta.terminal);
    const done = recording.writer
      .finish()
      .then(() => {
        const state = recording.writer.state;
        return writeEndMeta(recording.paths, { ...recording.meta, end: state === 'recording' ? 'complete' : state });
      })
      .catch((e: unknown) => this.opts.onError?.(e, recording.meta.id))
      .finally(() => {
        this.budget.settle(recording.meta.learnerId, recording.reserved, recording.writer.bytesWritten);
        this.live.delete(recording.meta.id);
        this.ending.delete(done);
      });
    this.ending.add(done);
  }
}
