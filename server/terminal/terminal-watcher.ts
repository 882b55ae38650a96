// One read-only reader of a terminal (DESIGN.md "Instructor live view"): the instructor watching a learner.
// It gets a snapshot of the screen, then the live output, exactly like the learner's own client, but it never
// takes part in flow control: a slow watcher can neither pause the learner's shell nor grow the server's memory.
// When more than WATCH_MAX_UNSENT_BYTES of its output is still waiting in its socket, it stops being sent output
// ("behind"); once its socket has taken everything, it is sent a fresh snapshot and goes live again. What it
// missed meanwhile is covered by that snapshot (the screen as it now is), so nothing it shows is out of order.
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
 * Wait before another snapshot when output outran the last one (ms): during a flood each snapshot costs a parse,
 * and a watcher cannot read a flood anyway; four screens a second are plenty to follow it.
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
  /** Output that came while the snapshot was being made, with the seq of its first byte. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private unsent = 0;
  private disposed = false;
  private readonly batcher: OutputBatcher;
  private resyncTimer: ReturnType<typeof setTimeout> | null = null;
  /** A snapshot is being made: no second one starts meanwhile. */
  private syncing = false;
  private resyncAfterSync = false;

  constructor(
    private readonly screen: WatchedScreen,
    readonly client: SessionClient,
  ) {
    this.batcher = new OutputBatcher((parts, bytes) => {
      this.unsent += bytes;
      client.sendFrame(encodeTerminalFrameParts(screen.index, parts), () => this.taken(bytes));
      if (this.unsent > WATCH_MAX_UNSENT_BYTES) this.state = 'behind';
    });
    void this.sync();
  }

  /** A chunk of the terminal's output (called for every chunk, in order). */
  output(chunk: Buffer): void {
    if (this.disposed) return;
    if (this.state === 'live') this.batcher.push(chunk);
    else if (this.state === 'snapshot') {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      // A flood while the snapshot is made: stop holding; a new snapshot follows once this one is sent.
      if (this.heldBytes > WATCH_MAX_UNSENT_BYTES) this.dropHeld('behind');
    }
  }

  /** The terminal changed size: a new snapshot (at the new size) replaces the watcher's screen. */
  resized(): void {
    if (this.disposed || this.resyncTimer) return; // the coming snapshot has the new size
    if (this.syncing)
      this.resyncAfterSync = true; // the one being made may predate the resize
    else void this.sync();
  }

  dispose(): void {
    this.disposed = true;
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.held = [];
    this.batcher.dispose();
  }

  private taken(bytes: number): void {
    this.unsent -= bytes;
    if (this.state === 'behind' && this.unsent === 0 && !this.syncing && !this.resyncTimer && !this.disposed)
      void this.sync();
  }

  private dropHeld(next: WatchState): void {
    this.held = [];
    this.heldBytes = 0;
    this.state = next;
  }

  /** Sends the screen as it is, then the output after it. */
  private async sync(): Promise<void> {
    this.batcher.flush(); // what is batched precedes the snapshot's position: it goes out before the snapshot
    this.dropHeld('snapshot');
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
    this.client.send({
      type: 'snapshot',
      term: this.screen.index,
      data: snapshot.data,
      seq: snapshot.seq,
      cols: snapshot.cols,
      rows: snapshot.rows,
    });
    if (this.state === 'behind') {
      // Output outran the snapshot: another one follows, a little later (see WATCH_RESYNC_DELAY_MS).
      this.resyncTimer = setTimeout(() => {
        this.resyncTimer = null;
        if (!this.disposed) void this.sync();
      }, WATCH_RESYNC_DELAY_MS);
      return;
    }
    let skip = snapshot.seq - from; // the snapshot may already show the first held bytes
    for (const chunk of this.held) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      this.batcher.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
    this.dropHeld('live');
    if (this.resyncAfterSync) {
      this.resyncAfterSync = false;
      void this.sync();
    }
  }
}
