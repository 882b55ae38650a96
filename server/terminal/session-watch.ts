// An instructor watching one learner's terminals in one lesson (DESIGN.md "Instructor live view"). It follows
// the learner: their most recently active session of the lesson now, and whichever session of it they open
// next (a reload, a Reset elsewhere, a second tab). Each change is told to the watcher as `watching`, with a
// null session while the learner has none open; then come each terminal's snapshot and live output.
import type { Disposable } from '../protocol/index.ts';
import { DisposableStore } from '../protocol/index.ts';
import type { Session } from './session.ts';
import type { SessionClient } from './session-client.ts';
import type { SessionManager } from './session-manager.ts';

export interface WatchTarget {
  /** The learner (a session's owner). */
  learnerId: string;
  lessonId: string;
}

export class SessionWatch implements Disposable {
  private readonly store = new DisposableStore();
  private bound: { session: Session; hold: Disposable } | null = null;

  constructor(
    private readonly sessions: SessionManager,
    readonly target: WatchTarget,
    private readonly client: SessionClient,
  ) {
    this.store.add(
      sessions.onCreated((s) => {
        if (this.matches(s)) this.bind(s);
      }),
    );
    this.store.add(
      sessions.onClosed((s) => {
        if (this.bound?.session === s) this.bind(this.newest());
      }),
    );
    this.bind(this.newest());
  }

  dispose(): void {
    this.store.dispose();
    this.bound?.hold.dispose();
    this.bound = null;
  }

  private matches(s: Session): boolean {
    return !s.isClosed && s.owner === this.target.learnerId && s.lesson.id === this.target.lessonId;
  }

  private newest(): Session | null {
    let best: Session | null = null;
    for (const s of this.sessions.ownedBy(this.target.learnerId)) {
      if (this.matches(s) && (!best || s.lastActivity > best.lastActivity)) best = s;
    }
    return best;
  }

  private bind(session: Session | null): void {
    if (this.store.isDisposed) return;
    this.bound?.hold.dispose();
    this.bound = null;
    this.client.send({
      type: 'watching',
      learnerId: this.target.learnerId,
      lessonId: this.target.lessonId,
      sessionId: session?.id ?? null,
      terminals: session?.terminalIndexes ?? [],
    });
    if (session) this.bound = { session, hold: session.watch(this.client) };
  }
}
