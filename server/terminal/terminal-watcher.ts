// One read-only reader of a terminal (DESIGN.md "Instructor live view"): the instructor watching a learner.
// It gets a snapshot of the screen, then the live output, exactly like the learner's own client, but it never
// takes part in flow control: a slow watcher can neither pause the learner's shell nor grow the server's memory.
// When more than WATCH_MAX_UNSENT_BYTES of its output is still waiting in its socket, it stops being sent output
// ("behind"); once its socket has taken everything, it is sent a fresh snapshot and goes live again. What it
// missed meanwhile is covered by that snapshot (the screen as it now is), so nothing it shows is out of order.
// Snapshots count as unsent bytes too, and are paced: a new one starts only once the socket has taken everything
// before it, and at most one per WATCH_RESYNC_DELAY_MS, whatever asks for it (a flood, a learner resizing in a
// loop): a snapshot of a large screen is about a megabyte and a hundred milliseconds of the server's thread.
import type { Disposable } from '../protocol/index.ts';
import { encodeTerminalFrameParts } from '../protocol/index.ts';
import { OutputBatcher } from './output-batcher.ts';
import type { ScreenSnapshot } from './screen-mirror.ts';
import type { SessionClient } from './session-client.ts';

/**
 * Output bytes sent to one watcher and not yet taken by its socket, above which it is "behind" (256 KiB): about
 * a second of a flood at a slow link's pace, and small enough that 30 watched terminals stay under 8 MiB.
 */
export const WATCH_MAX_UNSENT_BYTES = 256 * 1024;
/**
 * Least time between two snapshots for one watcher (ms): each costs a parse and a serialisation on the server's
 * thread, and a watcher cannot read a flood anyway; four screens a second are plenty to follow it.
 */
export const WATCH_RESYNC_DELAY_MS = 250;

/** What a watcher needs of its terminal: the output position and a snapshot at or after a position. */
export interface WatchedScreen {
  readonly index: number;
  /** Output bytes so far: the seq of the next byte. */
  seq(): number;
  snapshot(atLeastSeq: number): Promise<ScreenSnapshot>;
}

type WatchState = 'snapshot' | 'live' | 'behind';

export class TerminalWatcher implements Disposable {
  private state: WatchState = 'snapshot';
  /** Output that came while the snapshot was being made. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes handed to the socket (frames and snapshots) that it has not taken yet. */
  private unsent = 0;
  private disposed = false;
  private readonly batcher: OutputBatcher;
  /** A new snapshot is wanted (at start, after falling behind, after a resize). */
  private needSnapshot = true;
  /** A snapshot is being made: no second one starts meanwhile. */
  private syncing = false;
  private lastSnapshotAt = Number.NEGATIVE_INFINITY; // ms, performance.now()
  private pacingTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly screen: WatchedScreen,
    readonly client: SessionClient,
  ) {
    this.batcher = new OutputBatcher((parts, bytes) => {
      this.unsent += bytes;
      client.sendFrame(encodeTerminalFrameParts(screen.index, parts), () => this.taken(bytes));
      if (this.unsent > WATCH_MAX_UNSENT_BYTES && this.state === 'live') this.fallBehind();
    });
    this.pump();
  }

  /** A chunk of the terminal's output (called for every chunk, in order). */
  output(chunk: Buffer): void {
    if (this.disposed) return;
    if (this.state === 'live') this.batcher.push(chunk);
    else if (this.state === 'snapshot') {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      // A flood while the snapshot is made: stop holding; another snapshot follows this one.
      if (this.heldBytes > WATCH_MAX_UNSENT_BYTES) this.fallBehind();
    }
  }

  /** The terminal changed size: a new snapshot (at the new size) replaces the watcher's screen. */
  resized(): void {
    this.needSnapshot = true;
    this.pump();
  }

  /** Flushes output still batched (e.g. before the session tells the watcher the shell exited). */
  flush(): void {
    if (this.state === 'live') this.batcher.flush();
  }

  dispose(): void {
    this.disposed = true;
    if (this.pacingTimer) clearTimeout(this.pacingTimer);
    this.held = [];
    this.heldBytes = 0;
    this.batcher.dispose();
  }

  private fallBehind(): void {
    this.held = [];
    this.heldBytes = 0;
    this.state = 'behind';
    this.needSnapshot = true;
  }

  private taken(bytes: number): void {
    this.unsent -= bytes;
    this.pump();
  }

  /** Starts the wanted snapshot once the socket has taken everything and the pacing allows. */
  private pump(): void {
    if (this.disposed || !this.needSnapshot || this.syncing || this.pacingTimer || this.unsent > 0) return;
    const wait = this.lastSnapshotAt + WATCH_RESYNC_DELAY_MS - performance.now();
    if (wait > 0) {
      this.pacingTimer = setTimeout(() => {
        this.pacingTimer = null;
        this.pump();
      }, wait);
      return;
    }
    this.needSnapshot = false;
    void this.sync();
  }

  /** Sends the screen as it is, then the output after it. */
  private async sync(): Promise<void> {
    this.batcher.flush(); // what is batched precedes the snapshot's position: it goes out before the snapshot
    this.held = [];
    this.heldBytes = 0;
    this.state = 'snapshot';
    const from = this.screen.seq();
    let snapshot: ScreenSnapshot;
    this.syncing = true;
    try {
      snapshot = await this.screen.snapshot(from);
    } catch {
      return; // the terminal closed meanwhile: its session tells the watcher
    } finally {
      this.syncing = false;
    }
    if (this.disposed) return;
    this.lastSnapshotAt = performance.now();
    const cost = snapshot.data.length;
    this.unsent += cost;
    this.client.send(
      {
        type: 'snapshot',
        term: this.screen.index,
        data: snapshot.data,
        seq: snapshot.seq,
        cols: snapshot.cols,
        rows: snapshot.rows,
      },
      () => this.taken(cost),
    );
    if (this.state === 'snapshot') {
      let skip = snapshot.seq - from; // the snapshot may already show the first held bytes
      for (const chunk of this.held) {
        if (skip >= chunk.length) {
          skip -= chunk.length;
          continue;
        }
        this.batcher.push(skip > 0 ? chunk.subarray(skip) : chunk);
        skip = 0;
      }
      this.held = [];
      this.heldBytes = 0;
      this.state = 'live';
    }
    this.pump(); // behind meanwhile, or resized: the next snapshot, when the socket and the pacing allow
  }
}
