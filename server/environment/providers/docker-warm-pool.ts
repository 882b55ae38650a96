// Containers made before learners arrive (DESIGN.md performance table: 30 learners join at once, time to a prompt
// p95 < 3 s). Making a container is the slow part of a session on the docker backend: on a 2-core engine with the
// vfs storage driver, 30 at once took the engine alone 15-25 s. A warm container is claimed instead, in one map
// lookup, and the pool makes its replacement in the background, one at a time (the docker driver also runs the
// makes of all its pools one at a time, so the engine is never asked for more than one container on the pools'
// behalf while learners are joining).
//
// A warm container is made for no one: its session label and name carry a pool id (`warm-…`), never a learner's,
// and the learner's session id reaches their shell through the exec's environment. A server that dies leaves its
// warm containers labelled in its scope, so the next start reaps them like any session it left.
import { randomBytes } from 'node:crypto';

/** Session ids of warm containers start with this; a learner's session id never does (they are hex). */
export const WARM_SESSION_PREFIX = 'warm-';
/** After a failed make, the pool waits this long (ms) before it tries again: a broken engine is not hammered. */
export const WARM_RETRY_MS = 5_000;
/** Each failure in a row doubles the wait, up to this (ms): an image that cannot be pulled is tried a few times an
 *  hour, not every few seconds for the life of the server. */
export const WARM_RETRY_MAX_MS = 10 * 60_000;

export interface WarmPoolOptions<T> {
  /** How many containers to keep ready. */
  size: number;
  /** Makes and starts one container under the given pool session id. */
  make(poolSessionId: string): Promise<T>;
  /** Removes a container the pool made (idempotent). */
  remove(item: T): Promise<void>;
  /** A make or remove failed; the pool goes on. */
  onError(err: unknown): void;
}

export class WarmPool<T> {
  /** Containers ready to claim, oldest first, with the pool session id each was made under. */
  private readonly ready: { session: string; item: T }[] = [];
  /** Pool session ids of containers being made or ready: list() must not report them as left by an earlier run. */
  private readonly sessions = new Set<string>();
  private filling: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failuresInARow = 0;
  private disposed = false;

  constructor(private readonly opts: WarmPoolOptions<T>) {
    this.fill();
  }

  /** Containers ready to claim now. */
  get readyCount(): number {
    return this.ready.length;
  }

  /** A ready container, or undefined when none is ready. The pool starts making its replacement. */
  claim(): T | undefined {
    const claimed = this.ready.shift();
    if (claimed === undefined) return undefined;
    this.sessions.delete(claimed.session);
    this.fill();
    return claimed.item;
  }

  /** True for the session label of a container this pool is making or holds ready. */
  ownsSession(sessionLabel: string): boolean {
    return this.sessions.has(sessionLabel);
  }

  /** Resolves once the pool has stopped making containers (full, failed, or disposed). */
  settled(): Promise<void> {
    return this.filling ?? Promise.resolve();
  }

  /** Stops making containers and removes the ready ones. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.filling;
    for (const { item } of this.ready.splice(0)) await this.removeQuietly(item);
    this.sessions.clear();
  }

  private fill(): void {
    if (this.disposed || this.filling || this.retry) return;
    this.filling = this.fillUntilFull().finally(() => {
      this.filling = null;
    });
  }

  private async fillUntilFull(): Promise<void> {
    while (!this.disposed && this.ready.length < this.opts.size) {
      const session = `${WARM_SESSION_PREFIX}${randomBytes(6).toString('hex')}`;
      this.sessions.add(session);
      let item: T;
      try {
        item = await this.opts.make(session);
      } catch (err) {
        this.sessions.delete(session);
        this.opts.onError(err);
        const wait = Math.min(WARM_RETRY_MS * 2 ** this.failuresInARow, WARM_RETRY_MAX_MS);
        this.failuresInARow++;
        if (!this.disposed) this.retry = setTimeout(() => this.retryFill(), wait);
        return;
      }
      this.failuresInARow = 0;
      if (this.disposed) {
        this.sessions.delete(session);
        await this.removeQuietly(item);
        return;
      }
      this.ready.push({ session, item });
    }
  }

  private retryFill(): void {
    this.retry = null;
    this.fill();
  }

  private async removeQuietly(item: T): Promise<void> {
    try {
      await this.opts.remove(item);
    } catch (err) {
      this.opts.onError(err);
    }
  }
}
