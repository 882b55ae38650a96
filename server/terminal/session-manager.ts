// All sessions of one server: creating them within the limits, finding them again on reconnect, and
// closing them when their client has been gone past the grace period, when idle, or when too old.
// Environments left by an earlier server run are reaped at start.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Provider, TerminalSize } from '../environment/index.ts';
import type { Lesson } from '../lesson/index.ts';
import { DisposableStore, Emitter, type Disposable } from '../protocol/index.ts';
import { Session, type ProgressTracker } from './session.ts';
import { SessionError } from './errors.ts';
import { MAX_SESSIONS_PER_OWNER, type SessionLimits } from './limits.ts';
import type { SessionClient } from './session-client.ts';
import type { StepChecker } from './step-checks.ts';

export interface SessionManagerDeps {
  provider: Provider;
  progress: ProgressTracker;
  limits: SessionLimits;
  log: Logger;
  checkStep: StepChecker;
}

/** Who a session belongs to in a class, and where its progress goes. */
export interface SessionOwner {
  id: string;
  progress: ProgressTracker;
  /** False once the owner was removed: a session still being made for them is closed, not kept. */
  active?: () => boolean;
  /** A session of this lesson was made for them (the instructor's grid shows which lesson they are in). */
  opened?: (lessonId: string) => void;
}

export class SessionManager implements Disposable {
  private readonly store = new DisposableStore();
  private readonly sessions = new Map<string, Session>();
  private readonly graceTimers = new Map<string, Disposable>();
  private readonly closing = new Set<Promise<void>>();
  private creating = 0;
  /** Sessions being created, per owner: counted against MAX_SESSIONS_PER_OWNER with the live ones. */
  private readonly creatingFor = new Map<string, number>();
  private readonly _onStarting = this.store.add(new Emitter<Session>());
  /** A session is being made and no terminal of it has opened yet (a recording subscribes to its terminals
   *  here). onCreated follows, or onClosed if it is closed before it was handed out. */
  readonly onStarting = this._onStarting.event;
  private readonly _onCreated = this.store.add(new Emitter<Session>());
  /** A session was created (and is in `all()`). */
  readonly onCreated = this._onCreated.event;
  private readonly _onClosed = this.store.add(new Emitter<Session>());
  /** A session was closed (and is no longer in `all()`, or never was: one closed while it was being made);
   *  its environment may still be going. */
  readonly onClosed = this._onClosed.event;

  constructor(private readonly deps: SessionManagerDeps) {
    this.store.interval(() => this.reapIdle(), deps.limits.reapIntervalMs);
  }

  get provider(): Provider {
    return this.deps.provider;
  }

  get count(): number {
    return this.sessions.size;
  }

  /** Destroys environments whose server is gone (the provider's list()). Returns how many. */
  async reapOrphans(): Promise<number> {
    const orphans = await this.deps.provider.reapOrphans();
    if (orphans.length > 0) this.deps.log.info({ count: orphans.length }, 'reaped environments left by an earlier run');
    return orphans.length;
  }

  get(id: string): Session | undefined {
    const session = this.sessions.get(id);
    return session && !session.isClosed ? session : undefined;
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }

  /** The live sessions of one owner (a class learner's id). */
  ownedBy(owner: string): Session[] {
    return this.all().filter((s) => s.owner === owner && !s.isClosed);
  }

  /**
   * A new session of `lesson`. With an `owner` (a class learner) only that owner may attach to it, and its
   * progress goes to the owner's tracker instead of the server's.
   */
  async create(lesson: Lesson, size: TerminalSize, owner?: SessionOwner): Promise<Session> {
    if (this.store.isDisposed) throw new SessionError('SESSION_CLOSED', 'the server is shutting down');
    if (this.sessions.size + this.creating >= this.deps.limits.maxSessions) {
      throw new SessionError(
        'TOO_MANY_SESSIONS',
        `this server already holds ${this.deps.limits.maxSessions} sessions; close another lesson tab first`,
      );
    }
    if (owner && this.ownedBy(owner.id).length + (this.creatingFor.get(owner.id) ?? 0) >= MAX_SESSIONS_PER_OWNER) {
      throw new SessionError(
        'TOO_MANY_SESSIONS',
        `you already have ${MAX_SESSIONS_PER_OWNER} lessons open; close one of your other lesson tabs first`,
      );
    }
    this.creating++;
    if (owner) this.creatingFor.set(owner.id, (this.creatingFor.get(owner.id) ?? 0) + 1);
    /** The session whose start was announced (onStarting): whatever ends its making, its close is announced too. */
    let started: Session | null = null;
    try {
      // Hex: the id names containers, volumes and a learner's engine, whose names must start with a letter or digit.
      const id = randomBytes(16).toString('hex');
      const session = await Session.create(
        id,
        lesson,
        size,
        {
          provider: this.deps.provider,
          progress: owner?.progress ?? this.deps.progress,
          limits: this.deps.limits,
          checkStep: this.deps.checkStep,
          log: this.deps.log,
          starting: (s) => {
            started = s;
            this._onStarting.fire(s);
          },
        },
        owner?.id ?? null,
      );
      if (owner?.active && !owner.active()) {
        session.dispose();
        await session.closed();
        throw new SessionError('SESSION_CLOSED', 'you were removed from the class');
      }
      if (this.store.isDisposed) {
        session.dispose();
        await session.closed();
        throw new SessionError('SESSION_CLOSED', 'the server is shutting down');
      }
      this.sessions.set(id, session);
      this.deps.log.info({ session: id, lesson: lesson.id, owner: owner?.id }, 'session created');
      owner?.opened?.(lesson.id);
      this._onCreated.fire(session);
      return session;
    } catch (e: unknown) {
      // Made and then dropped (its shell failed to open, its learner was removed, the server is stopping).
      if (started !== null) this._onClosed.fire(started);
      throw e;
    } finally {
      this.creating--;
      if (owner) {
        const left = (this.creatingFor.get(owner.id) ?? 1) - 1;
        if (left === 0) this.creatingFor.delete(owner.id);
        else this.creatingFor.set(owner.id, left);
      }
    }
  }

  async attach(session: Session, client: SessionClient): Promise<void> {
    this.graceTimers.get(session.id)?.dispose();
    this.graceTimers.delete(session.id);
    await session.attach(client);
  }

  /** The client went away: the session waits reconnectGraceMs for it, then closes. */
  detach(session: Session, client: SessionClient): void {
    session.detach(client);
    if (session.attached || session.isClosed || this.graceTimers.has(session.id)) return;
    const timer = this.store.timeout(() => {
      this.graceTimers.delete(session.id);
      if (!session.attached) void this.close(session.id, 'no client came back');
    }, this.deps.limits.reconnectGraceMs);
    this.graceTimers.set(session.id, timer);
  }

  /** Closes a session and destroys its environment. */
  async close(id: string, why: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.graceTimers.get(id)?.dispose();
    this.graceTimers.delete(id);
    session.dispose();
    this._onClosed.fire(session);
    const done = session.closed();
    this.closing.add(done);
    await done;
    this.closing.delete(done);
    this.deps.log.info({ session: id, why }, 'session closed');
  }

  /** Sessions of a lesson whose files changed get the new version. */
  replaceLesson(lesson: Lesson): Session[] {
    const affected = this.all().filter((s) => s.lesson.id === lesson.id);
    for (const s of affected) s.replaceLesson(lesson);
    return affected;
  }

  /** Closes every session and waits for their environments to be gone. */
  async closeAll(): Promise<void> {
    this.store.dispose();
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id, 'server shutting down')));
    await Promise.all([...this.closing]);
  }

  dispose(): void {
    void this.closeAll();
  }

  private reapIdle(): void {
    const now = Date.now();
    const { idleTimeoutMs, maxSessionAgeMs } = this.deps.limits;
    for (const session of this.sessions.values()) {
      if (now - session.createdAt > maxSessionAgeMs) void this.close(session.id, 'reached the maximum session age');
      else if (now - session.lastActivity > idleTimeoutMs) void this.close(session.id, 'idle');
    }
  }
}
