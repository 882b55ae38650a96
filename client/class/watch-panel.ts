// The instructor's read-only view of one learner's terminals in one lesson (DESIGN.md "Instructor live view").
// The instructor's socket sends `watch {learnerId, lessonId}`; the server answers `watching` (which session, or
// none yet), then each terminal's `snapshot` and its live output as binary frames. Each screen takes the size the
// snapshot gives (the learner's), so full-screen programs look as they do for the learner. Keys typed here are
// never sent anywhere: the view says so instead (and the server drops input on this socket regardless).
import { Terminal } from '@xterm/xterm';
import type { InstructorMessageBody, ServerMessage } from '../../server/protocol/index.ts';
import { h, replaceChildren } from '../dom.ts';
import { DisposableStore, timeout, type Disposable } from '../lifecycle.ts';
import { TERMINAL_FONT_FAMILY, terminalThemeOptions, type ThemeName } from '../terminal/themes.ts';
import type { ThemeController } from '../ui/theme.ts';

/** How long the read-only notice stays after the last key (ms): long enough to read one sentence. */
const READ_ONLY_NOTICE_MS = 4_000;
/** Lines kept above the screen: the snapshot carries the mirror's scrollback, and live output adds to it. */
const WATCH_SCROLLBACK_LINES = 2_000;

export interface WatchedLearner {
  id: string;
  name: string;
}

type WatchMessage = Extract<ServerMessage, { type: 'watching' | 'snapshot' | 'exited' }>;

export class WatchPanel implements Disposable {
  readonly element: HTMLElement;
  private readonly store = new DisposableStore();
  private readonly screens = new Map<number, { term: Terminal; pane: HTMLElement }>();
  private readonly tabs = h('div', { class: 'watch-tabs', attrs: { role: 'tablist' } });
  private readonly panes = h('div', { class: 'watch-panes' });
  private readonly status = h('p', { class: 'watch-status', attrs: { role: 'status' } }, 'Connecting…');
  private readonly notice = h('p', { class: 'watch-notice', attrs: { role: 'status', hidden: true } });
  private readonly lessonSelect: HTMLSelectElement;
  private noticeTimer: Disposable | null = null;
  private shown = 0;
  /** Frames are ignored until the server says what it is watching: they may belong to the previous watch. */
  private watching = false;

  constructor(
    readonly learner: WatchedLearner,
    lessonIds: readonly string[],
    private lessonId: string,
    private readonly send: (message: InstructorMessageBody) => void,
    private readonly theme: ThemeController,
    onClose: () => void,
  ) {
    this.lessonSelect = h(
      'select',
      { attrs: { 'aria-label': 'Lesson' } },
      ...lessonIds.map((id) =>
        h('option', { attrs: { value: id, ...(id === lessonId ? { selected: true } : {}) } }, id),
      ),
    );
    this.lessonSelect.addEventListener('change', () => {
      this.lessonId = this.lessonSelect.value;
      this.start();
    });
    this.element = h(
      'section',
      { class: 'watch-panel', attrs: { 'aria-label': `Watching ${learner.name}` } },
      h(
        'header',
        { class: 'watch-head' },
        h('h2', null, `Watching ${learner.name}`, h('span', { class: 'watch-badge' }, 'read-only')),
        this.lessonSelect,
        h(
          'button',
          { class: 'btn btn-sm btn-ghost', attrs: { type: 'button' }, on: { click: onClose } },
          'Stop watching',
        ),
      ),
      this.status,
      this.notice,
      this.tabs,
      this.panes,
    );
    this.store.add(theme.onChange((name) => this.applyTheme(name)));
    this.store.add({ dispose: () => this.noticeTimer?.dispose() });
    this.start();
  }

  /** (Re)sends the watch: at start, on a lesson change, and when the socket reconnected. */
  start(): void {
    this.watching = false;
    this.clearScreens();
    this.status.textContent = 'Connecting…';
    this.send({ type: 'watch', learnerId: this.learner.id, lessonId: this.lessonId });
  }

  handle(message: WatchMessage): void {
    switch (message.type) {
      case 'watching':
        if (message.learnerId !== this.learner.id || message.lessonId !== this.lessonId) return;
        this.watching = true;
        this.clearScreens();
        this.status.textContent =
          message.sessionId === null
            ? `${this.learner.name} has no terminal open in ${this.lessonId}; it shows here when they open the lesson.`
            : `Live: what ${this.learner.name} types and what comes back.`;
        for (const term of message.terminals) this.screen(term);
        return;
      case 'snapshot': {
        if (!this.watching) return;
        const { term } = this.screen(message.term);
        if (message.cols !== undefined && message.rows !== undefined) term.resize(message.cols, message.rows);
        term.reset();
        term.write(message.data);
        return;
      }
      case 'exited':
        if (this.watching)
          this.screen(message.term).term.write(`\r\n[the shell exited: ${message.exitCode ?? '?'}]\r\n`);
        return;
    }
  }

  /** A terminal output frame: `term` and its bytes. */
  frame(term: number, payload: Uint8Array): void {
    if (this.watching) this.screen(term).term.write(payload);
  }

  dispose(): void {
    this.send({ type: 'unwatch' });
    this.clearScreens();
    this.store.dispose();
    this.element.remove();
  }

  private screen(index: number): { term: Terminal; pane: HTMLElement } {
    const existing = this.screens.get(index);
    if (existing) return existing;
    const pane = h('div', {
      class: 'watch-screen',
      attrs: { role: 'tabpanel', 'aria-label': `${this.learner.name}'s terminal T${index + 1}` },
    });
    const term = new Terminal({
      fontFamily: TERMINAL_FONT_FAMILY,
      fontSize: 13,
      scrollback: WATCH_SCROLLBACK_LINES,
      cursorBlink: false,
      ...terminalThemeOptions(this.theme.current),
    });
    // Read-only: keys are not sent. The instructor is told, so they do not think they are typing into it.
    term.onData(() => this.showReadOnlyNotice());
    const entry = { term, pane };
    this.screens.set(index, entry);
    this.panes.append(pane);
    term.open(pane);
    this.renderTabs();
    this.show(this.screens.size === 1 ? index : this.shown);
    return entry;
  }

  private renderTabs(): void {
    const indexes = [...this.screens.keys()].sort((a, b) => a - b);
    replaceChildren(
      this.tabs,
      ...indexes.map((i) =>
        h(
          'button',
          {
            class: `watch-tab ${i === this.shown ? 'is-active' : ''}`,
            attrs: { type: 'button', role: 'tab', 'aria-selected': i === this.shown ? 'true' : 'false' },
            on: { click: () => this.show(i) },
          },
          `T${i + 1}`,
        ),
      ),
    );
  }

  private show(index: number): void {
    this.shown = this.screens.has(index) ? index : ([...this.screens.keys()][0] ?? 0);
    for (const [i, { pane }] of this.screens) pane.hidden = i !== this.shown;
    this.renderTabs();
  }

  private showReadOnlyNotice(): void {
    this.notice.textContent = `Read-only: keys typed here are not sent to ${this.learner.name}'s terminal.`;
    this.notice.hidden = false;
    this.noticeTimer?.dispose();
    this.noticeTimer = timeout(READ_ONLY_NOTICE_MS, () => {
      this.notice.hidden = true;
    });
  }

  private applyTheme(name: ThemeName): void {
    for (const { term } of this.screens.values()) {
      Object.assign(term.options, terminalThemeOptions(name));
    }
  }

  private clearScreens(): void {
    for (const { term, pane } of this.screens.values()) {
      term.dispose();
      pane.remove();
    }
    this.screens.clear();
    this.shown = 0;
    replaceChildren(this.tabs);
  }
}
