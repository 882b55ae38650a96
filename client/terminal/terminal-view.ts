// One terminal tab: an xterm.js screen fed by binary frames for terminal `index` (0 = T1). Bytes go to xterm as
// they arrive; xterm's write callback (fired once a chunk is parsed) feeds the ack counter, which is what lets
// the server pause and resume the pty (flow control). Keystrokes leave as binary frames.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { clampSize } from '../../server/protocol/index.ts';
import { h, replaceChildren } from '../dom.ts';
import { DisposableStore, toDisposable, type Disposable } from '../lifecycle.ts';
import type { Connection } from '../session/connection.ts';
import { AckCounter } from './ack-counter.ts';
import { TERMINAL_FONT_FAMILY, terminalThemeOptions, type ThemeName } from './themes.ts';

/** A remainder under ACK_EVERY_BYTES is acked after this much quiet (ms): small enough to keep echo-only
 *  sessions drained, large enough that typing sends a handful of acks per second, not one per key. */
const ACK_FLUSH_MS = 40;
/** Lines kept above the screen (the server's mirror restores only the screen on reconnect). */
const SCROLLBACK_LINES = 5000;

const encoder = new TextEncoder();

export class TerminalView implements Disposable {
  readonly element: HTMLElement;
  private readonly screen: HTMLElement;
  private readonly overlay: HTMLElement;
  private readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly ack = new AckCounter();
  private readonly store = new DisposableStore();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private sentSize = { cols: 0, rows: 0 };
  private opened = false;

  constructor(
    readonly index: number,
    private readonly conn: Connection,
    theme: ThemeName,
  ) {
    this.screen = h('div', { class: 'terminal-screen' });
    this.overlay = h('div', { class: 'terminal-overlay', attrs: { hidden: true, role: 'status' } });
    this.element = h(
      'div',
      {
        class: 'terminal-pane',
        attrs: { role: 'tabpanel', id: `panel-t${index + 1}`, 'aria-label': `Terminal T${index + 1}` },
      },
      this.screen,
      this.overlay,
    );
    this.term = new Terminal({
      fontFamily: TERMINAL_FONT_FAMILY,
      fontSize: 13.5,
      lineHeight: 1.25,
      cursorBlink: true,
      scrollback: SCROLLBACK_LINES,
      allowProposedApi: false,
      rightClickSelectsWord: true,
      ...terminalThemeOptions(theme),
    });
    this.term.loadAddon(this.fitAddon);
    this.store.add(this.term);
    this.store.add(this.term.onData((data) => this.conn.sendInput(this.index, encoder.encode(data))));
    this.store.add(this.term.onBinary((data) => this.conn.sendInput(this.index, binaryStringBytes(data))));
    this.term.attachCustomKeyEventHandler((e) => this.clipboardKeys(e));
    this.store.add(toDisposable(() => this.clearFlush()));
  }

  /** Opens xterm into its element. The element must be in the document (xterm measures the font). */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.term.open(this.screen);
    const observer = new ResizeObserver(() => this.fit());
    observer.observe(this.screen);
    this.store.add(toDisposable(() => observer.disconnect()));
    this.fit();
  }

  /** Starts a new ack generation: call when a new connection is welcomed. */
  newConnection(): void {
    this.clearFlush();
    this.ack.reset();
    this.sentSize = { cols: 0, rows: 0 };
  }

  write(payload: Uint8Array): void {
    const generation = this.ack.generation;
    const bytes = payload.byteLength;
    // xterm keeps a reference to the chunk until parsed; the frame's buffer is not reused, so a view is safe.
    this.term.write(payload, () => {
      const n = this.ack.written(generation, bytes);
      if (n > 0) this.sendAck(n);
      else if (this.ack.unacked > 0) this.scheduleFlush();
    });
  }

  /** Replaces the screen with the server's serialized mirror (after a reconnect or a restart). */
  restore(data: string): void {
    this.hideOverlay();
    this.term.reset();
    this.term.write(data);
  }

  /** Fits to the pane and tells the server the new size, once per change. */
  fit(): { cols: number; rows: number } {
    if (!this.opened || this.screen.clientWidth === 0 || this.screen.clientHeight === 0) return this.size();
    const proposed = this.fitAddon.proposeDimensions();
    if (proposed && Number.isFinite(proposed.cols) && Number.isFinite(proposed.rows)) {
      const { cols, rows } = clampSize(proposed.cols, proposed.rows);
      if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
    }
    this.sendSize();
    return this.size();
  }

  size(): { cols: number; rows: number } {
    return clampSize(this.term.cols, this.term.rows);
  }

  /** Sends the current size unless the server already has it (`force`: a new shell, which may not). */
  sendSize(force = false): void {
    const { cols, rows } = this.size();
    if (!force && cols === this.sentSize.cols && rows === this.sentSize.rows) return;
    if (this.conn.send({ type: 'resize', term: this.index, cols, rows })) this.sentSize = { cols, rows };
  }

  setTheme(theme: ThemeName): void {
    Object.assign(this.term.options, terminalThemeOptions(theme));
  }

  focus(): void {
    this.term.focus();
  }

  /** The shell ended: say so over the screen and offer a restart. */
  showExited(exitCode: number | null, restart: () => void): void {
    const code = exitCode === null ? '' : ` with exit code ${exitCode}`;
    const button = h(
      'button',
      { class: 'btn btn-primary', attrs: { type: 'button' }, on: { click: restart } },
      'Restart shell',
    );
    replaceChildren(
      this.overlay,
      h(
        'div',
        { class: 'terminal-overlay-card' },
        h('p', { class: 'terminal-overlay-title' }, `The shell in T${this.index + 1} exited${code}.`),
        h('p', { class: 'muted' }, 'Files in your working directory are still there.'),
        button,
      ),
    );
    this.overlay.hidden = false;
    button.focus();
  }

  hideOverlay(): void {
    this.overlay.hidden = true;
    this.overlay.replaceChildren();
  }

  /** Clears the screen before a restarted shell draws its first prompt. */
  clear(): void {
    this.term.reset();
  }

  dispose(): void {
    this.store.dispose();
    this.element.remove();
  }

  /** Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (the browser's paste event reaches xterm). */
  private clipboardKeys(e: KeyboardEvent): boolean {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
    const key = e.key.toLowerCase();
    if (key === 'c') {
      if (this.term.hasSelection()) void navigator.clipboard?.writeText(this.term.getSelection());
      e.preventDefault();
      return false;
    }
    if (key === 'v') return false; // not handled by xterm, not prevented: the browser fires `paste`
    return true;
  }

  private sendAck(bytes: number): void {
    this.clearFlush();
    this.conn.send({ type: 'ack', term: this.index, bytes });
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const n = this.ack.flush();
      if (n > 0) this.conn.send({ type: 'ack', term: this.index, bytes: n });
    }, ACK_FLUSH_MS);
  }

  private clearFlush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }
}

/** xterm's onBinary gives a string with one char per byte (e.g. mouse reports in X10 mode). */
function binaryStringBytes(data: string): Uint8Array {
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
  return bytes;
}
