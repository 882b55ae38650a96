// One terminal of a session as a client sees it: the shell, its screen mirror, its byte sequence, flow
// control, and the current client's output batching. It survives the client: a reattaching client gets a
// snapshot and then the live stream from the snapshot's seq, so nothing is lost or doubled.
//
// Data path (the hot path, in order): pty chunk -> flow.account -> batcher -> client.sendFrame -> (the socket
// took it) flow.sent. The mirror gets the same chunk after, and parses it later (screen-mirror.ts).
// Input path: client frame -> write() -> the shell's pty; write() returns a promise when the pty's input queue is
// full, and the caller stops reading its client until it settles (backpressure, never an unbounded queue).
// While no client is attached nothing acks, so the shell is paused once FLOW_HIGH_WATERMARK bytes pile up:
// a detached `yes` costs nothing. Attaching resets the count (the snapshot covers everything before it).
import type { TerminalSize } from '../environment/index.ts';
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../protocol/index.ts';
import { FlowControl } from './flow-control.ts';
import { OutputBatcher } from './output-batcher.ts';
import { ScreenMirror } from './screen-mirror.ts';
import type { ShellTerminal } from './shell-terminal.ts';
import type { SessionClient } from './session-client.ts';
import { TerminalWatcher } from './terminal-watcher.ts';
import { clampSize } from '../protocol/index.ts';
import { encodeTerminalFrameParts } from '../protocol/index.ts';

interface Attachment extends Disposable {
  client: SessionClient;
  live: boolean; // false while its snapshot is being made; output meanwhile waits in `held`
  held: Buffer[];
  batcher: OutputBatcher;
}

export class LiveTerminal implements Disposable {
  private readonly store = new DisposableStore();
  private readonly shellStore = this.store.add(new DisposableStore());
  private readonly mirror: ScreenMirror;
  private readonly flow: FlowControl;
  private attachment: Attachment | null = null;
  private currentSize: TerminalSize;
  private current: ShellTerminal;
  private attachedBefore = false; // a client has been given this terminal's output
  /** Read-only readers (an instructor watching): outside flow control, see terminal-watcher.ts. */
  private readonly watchers = new Set<TerminalWatcher>();
  private readonly _onOutput = this.store.add(new Emitter<Buffer>());
  /** Every output chunk, in order, after the reader and the watchers got it (a recording listens here). */
  readonly onOutput = this._onOutput.event;
  private readonly _onResize = this.store.add(new Emitter<TerminalSize>());
  /** The terminal's size changed (clamped, and only on a real change). */
  readonly onResize = this._onResize.event;
  /** What the terminal printed before it was handed out (the shell's first prompt, held by ShellTerminal and capped
   *  there, given while the constructor ran), before anyone could listen to onOutput: a recording starts with it. */
  readonly startupOutput: Buffer;

  constructor(
    shell: ShellTerminal,
    readonly index: number,
    size: TerminalSize,
    private readonly onExited: (term: number, exitCode: number | null) => void,
  ) {
    this.currentSize = clampSize(size.cols, size.rows);
    this.mirror = this.store.add(new ScreenMirror(this.currentSize));
    this.flow = new FlowControl({ pause: () => this.current.pause(), resume: () => this.current.resume() });
    this.current = shell;
    this.adopt(shell);
    // The mirror has only queued so far (it starts on a snapshot's need), so it holds exactly those bytes.
    this.startupOutput = Buffer.concat(this.mirror.outputSinceStart() ?? []);
    this.store.add({ dispose: () => this.detach() });
    this.store.add({ dispose: () => this.unwatchAll() });
    this.store.add({ dispose: () => this.current.dispose() });
  }

  get size(): TerminalSize {
    return this.currentSize;
  }

  get shell(): ShellTerminal {
    return this.current;
  }

  /** Output bytes so far (the seq of the next byte). */
  get seq(): number {
    return this.mirror.seq;
  }

  get unackedBytes(): number {
    return this.flow.unacked;
  }

  /** Flow control holds the shell's output back (the reader is behind). */
  get outputPaused(): boolean {
    return this.flow.isPaused;
  }

  /** Replaces an exited shell with a new one. The screen and the byte sequence carry on. */
  restart(shell: ShellTerminal): void {
    this.shellStore.clear(); // not dispose(): the store must accept the new shell's listeners
    this.current.dispose();
    this.current = shell;
    this.adopt(shell);
    if (this.flow.isPaused) shell.pause();
  }

  /**
   * Makes `client` the reader: it gets a snapshot, then every byte after the snapshot's seq.
   * Resolves once the snapshot is sent (or the attachment was superseded meanwhile).
   */
  async attach(client: SessionClient): Promise<void> {
    this.detach();
    const from = this.mirror.seq;
    this.flow.reset();
    const attachment: Attachment = {
      client,
      live: false,
      held: [],
      batcher: new OutputBatcher((parts, bytes) =>
        client.sendFrame(encodeTerminalFrameParts(this.index, parts), () => {
          if (this.attachment === attachment) this.flow.sent(bytes); // an older reader's bytes are not this one's
        }),
      ),
      dispose: () => attachment.batcher.dispose(),
    };
    this.attachment = attachment;
    // The first client has seen nothing: it gets the output so far as the live stream it would have had from
    // seq 0 (an empty snapshot, then the bytes), so the mirror need not start. Later clients get a real snapshot:
    // replaying raw output to them would repeat terminal queries (e.g. DA) that the first client already answered.
    const early = this.attachedBefore ? null : this.mirror.outputSinceStart();
    this.attachedBefore = true;
    if (early) {
      client.send({ type: 'snapshot', term: this.index, data: '', seq: 0 });
      for (const chunk of early) {
        this.flow.account(chunk.length); // sent after the reset, so the client will ack it
        attachment.batcher.push(chunk);
      }
      attachment.live = true;
      return;
    }
    const snapshot = await this.mirror.snapshot(from);
    if (this.attachment !== attachment) return;
    client.send({ type: 'snapshot', term: this.index, data: snapshot.data, seq: snapshot.seq });
    // The snapshot may be ahead of `from` (a chunk boundary later): skip what it already shows.
    let skip = snapshot.seq - from;
    for (const chunk of attachment.held) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        this.flow.discard(chunk.length); // the snapshot shows it: never sent, never acked
        continue;
      }
      this.flow.discard(skip);
      attachment.batcher.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
    attachment.held = [];
    attachment.live = true;
  }

  /** The client is gone: stop sending. The shell keeps running (until the flow window fills). */
  detach(client?: SessionClient): void {
    if (!this.attachment || (client && this.attachment.client !== client)) return;
    this.attachment.dispose();
    this.attachment = null;
  }

  /**
   * Learner keystrokes or paste. Returns null when the shell's input queue has room for more, or a promise that
   * settles once it has drained (or the shell is gone): read nothing more from the client until then.
   */
  write(data: Buffer | string): Promise<void> | null {
    this.attachment?.batcher.noteInput();
    return this.current.write(data) ? null : this.current.inputDrained();
  }

  /** The client processed `bytes`. Returns how many it could not have received (0 from an honest client). */
  ack(bytes: number): number {
    return this.flow.commit(bytes);
  }

  resize(size: TerminalSize): void {
    const clamped = clampSize(size.cols, size.rows);
    if (clamped.cols === this.currentSize.cols && clamped.rows === this.currentSize.rows) return;
    this.currentSize = clamped;
    this.current.resize(clamped);
    this.mirror.resize(clamped);
    for (const watcher of this.watchers) watcher.resized();
    this._onResize.fire(clamped);
  }

  /**
   * Adds a read-only reader: it gets a snapshot, then the live output, and never acks, never pauses the shell,
   * and never types. Disposing the result removes it; closing the terminal removes them all.
   */
  watch(client: SessionClient): Disposable {
    if (this.store.isDisposed) return toDisposable(() => undefined);
    const watcher = new TerminalWatcher(
      { index: this.index, snapshot: (at) => this.mirror.snapshot(at), seq: () => this.mirror.seq },
      client,
    );
    this.watchers.add(watcher);
    return toDisposable(() => {
      if (this.watchers.delete(watcher)) watcher.dispose();
    });
  }

  dispose(): void {
    this.store.dispose();
  }

  private adopt(shell: ShellTerminal): void {
    this.shellStore.add(shell.onData((chunk) => this.handleOutput(chunk)));
    this.shellStore.add(
      shell.onExit(({ exitCode }) => {
        for (const watcher of this.watchers) watcher.flush(); // the shell's last output before the news of its exit
        this.onExited(this.index, exitCode);
      }),
    );
  }

  private handleOutput(chunk: Buffer): void {
    this.flow.account(chunk.length);
    const attachment = this.attachment;
    if (attachment?.live) attachment.batcher.push(chunk);
    else if (attachment) attachment.held.push(chunk);
    this.mirror.write(chunk);
    for (const watcher of this.watchers) watcher.output(chunk);
    if (this._onOutput.hasListeners) this._onOutput.fire(chunk);
  }

  private unwatchAll(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers.clear();
  }
}
