// The lesson page: the lesson pane (outline, the current page with its cells and checks) on the left, the
// workbench (terminals and the image explorer) on the right, joined by one session socket. Server messages
// update LessonState first; the views then redraw only what changed.
import type { CellView as Cell, LessonSummary, LessonView, StepView } from '../../server/protocol/index.ts';
import type { ServerMessage } from '../../server/protocol/index.ts';
import { fetchLesson, fetchLessons } from '../api.ts';
import { h, icon, replaceChildren } from '../dom.ts';
import { ExplorerPanel } from '../explorer/explorer-panel.ts';
import { DisposableStore, listen, timeout, type Disposable } from '../lifecycle.ts';
import { Connection } from '../session/connection.ts';
import { StatusPill } from '../session/status-pill.ts';
import { TerminalSet } from '../terminal/terminal-set.ts';
import { confirmDialog } from '../ui/confirm.ts';
import { ICONS } from '../ui/icons.ts';
import { SplitView } from '../ui/split.ts';
import type { ThemeController } from '../ui/theme.ts';
import type { Toaster } from '../ui/toast.ts';
import { Topbar } from '../ui/topbar.ts';
import { Workbench } from '../workbench.ts';
import { catchUpBanner, environmentErrorBanner, unmetBanner } from './banners.ts';
import { LessonState } from './lesson-state.ts';
import { downloadNotebook, lessonNotebook, notebookFileName } from './notebook-download.ts';
import { PageView, type PageActions } from './page-view.ts';
import { catchUpTarget, initialPageIndex, isPageOpen, lessonPages, type LessonPage } from './pages.ts';
import { progressMeter, stepper } from './stepper.ts';

/** Errors from the server that mean the environment could not start: shown as a banner, not a passing toast. */
const ENVIRONMENT_ERRORS = new Set([
  'REQUIRES_UNMET',
  'CREATE_FAILED',
  'IMAGE_BUILD_FAILED',
  'TOO_MANY_SESSIONS',
  'LESSON_NOT_FOUND',
]);

/** A Run with no runQueued/runStarted after this long (ms) was typed without Enter (a no-newline cell): the
 *  cell stops saying "Starting…". A real run is acknowledged within milliseconds, or a second if T2 must open. */
const RUN_UNANSWERED_MS = 10_000;

type CatchUp = { phase: 'offer' | 'running'; target: StepView } | null;

export class LessonPageController implements Disposable {
  private readonly store = new DisposableStore();
  private readonly state = new LessonState();
  private readonly conn: Connection;
  private readonly topbar: Topbar;
  private readonly workbench: Workbench;
  private readonly terminals: TerminalSet;
  private readonly explorer: ExplorerPanel;
  private readonly status = new StatusPill();
  private readonly resetButton: HTMLButtonElement;
  private readonly outline = h('div', { class: 'lesson-outline' });
  private readonly banners = h('div', { class: 'banners' });
  private readonly pageSlot = h('div', { class: 'page-slot' });
  private pages: LessonPage[];
  private index: number;
  private pageView: PageView | null = null;
  private sessionId: string | null = null;
  private catchUp: CatchUp = null;
  private catchUpDismissed = false;
  private environmentError: string | null = null;
  private resetting = false;

  constructor(
    private readonly root: HTMLElement,
    private lesson: LessonView,
    private readonly unmet: LessonSummary['unmet'],
    wantedPage: string | null,
    theme: ThemeController,
    private readonly toaster: Toaster,
  ) {
    this.state.setCompleted(lesson.completedSteps);
    this.pages = lessonPages(lesson);
    this.index = initialPageIndex(lesson, this.state.completed, wantedPage);
    this.conn = this.store.add(new Connection({ lessonId: lesson.id, initialSize: () => this.terminals.firstSize() }));

    this.resetButton = h(
      'button',
      {
        class: 'btn btn-ghost btn-sm',
        attrs: { type: 'button', title: 'Start over in a fresh environment' },
        on: { click: () => void this.reset() },
      },
      icon(ICONS.reset),
      h('span', { class: 'btn-label' }, 'Reset'),
    );
    const notebookButton = h(
      'button',
      {
        class: 'btn btn-ghost btn-sm',
        attrs: { type: 'button', title: 'Download the lesson and your runs as a Jupyter notebook (.ipynb)' },
        on: {
          click: () => downloadNotebook(lessonNotebook(this.lesson, this.state), notebookFileName(this.lesson.id)),
        },
      },
      icon(ICONS.file),
      h('span', { class: 'btn-label' }, 'Download as notebook'),
    );
    this.topbar = this.store.add(new Topbar(theme, [h('span', { class: 'crumb-title' }, lesson.title)]));
    this.topbar.setActions(this.status.element, notebookButton, this.resetButton);

    this.explorer = new ExplorerPanel(() => this.sessionId);
    // navigator.platform is deprecated but is still the only synchronous, permission-free hint for the key labels.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const clipboardHint = /Mac|iPhone|iPad/.test(navigator.platform)
      ? '⌘C / ⌘V to copy and paste'
      : 'Ctrl+Shift+C / V to copy and paste';
    this.workbench = this.store.add(
      new Workbench(h('span', { class: 'tabbar-hint', attrs: { 'aria-hidden': 'true' } }, clipboardHint)),
    );
    const lessonPane = h(
      'main',
      { class: 'lesson-pane', attrs: { id: 'main', tabindex: -1 } },
      this.outline,
      this.banners,
      this.pageSlot,
    );
    const split = this.store.add(
      new SplitView(lessonPane, this.workbench.element, 'Resize the lesson and terminal panes'),
    );
    replaceChildren(root, h('div', { class: 'app app-lesson' }, this.topbar.element, split.element, toaster.element));
    document.title = `${lesson.title} · stepwise`;

    this.terminals = this.store.add(new TerminalSet(this.conn, this.workbench, theme));
    this.terminals.ensure(lesson.terminals);
    this.workbench.add('explorer', 'Image explorer', ICONS.layers, this.explorer.element, false);
    this.workbench.select('t0');

    this.store.add(this.conn.onMessage((m) => this.receive(m)));
    this.store.add(this.conn.onOutput(({ term, payload }) => this.terminals.output(term, payload)));
    this.store.add(
      this.conn.onStatus(({ status, failedTries }) => {
        this.status.update(status, failedTries);
        if (status === 'failed') this.renderBanners(); // offers Try again under the reason the server gave
      }),
    );
    this.store.add(
      this.conn.onProtocolProblem((reason) => console.warn(`stepwise: ignored a server message: ${reason}`)),
    );
    this.store.add(listen(window, 'hashchange', () => this.followHash()));
    this.status.update('connecting', 0);
    this.renderAll(false);
    this.conn.connect();
  }

  static async mount(
    root: HTMLElement,
    lessonId: string,
    wantedPage: string | null,
    theme: ThemeController,
    toaster: Toaster,
  ): Promise<LessonPageController> {
    // The summary says which of the lesson's needs this host cannot meet; fetched alongside, so no wait is added.
    const [lesson, summaries] = await Promise.all([fetchLesson(lessonId), fetchLessons()]);
    const unmet = summaries.find((s) => s.id === lessonId)?.unmet ?? [];
    return new LessonPageController(root, lesson, unmet, wantedPage, theme, toaster);
  }

  dispose(): void {
    this.store.dispose();
  }

  // ---- server messages ----

  private receive(msg: ServerMessage): void {
    const change = this.state.apply(msg);
    switch (msg.type) {
      case 'welcome':
        return this.welcome(msg);
      case 'snapshot':
        return this.terminals.snapshot(msg.term, msg.data);
      case 'runQueued':
      case 'runStarted':
      case 'runResult':
        if (change.kind === 'cell') this.pageView?.updateCell(change.cellId);
        return;
      case 'checkResult':
        this.pageView?.updateCheck(msg.stepId);
        return;
      case 'progress':
        if (change.kind === 'progress') this.renderAll(false);
        return;
      case 'exited':
        return this.terminals.exited(msg.term, msg.exitCode);
      case 'resetDone':
        return this.resetDone(msg.ok, msg.message);
      case 'catchUpDone':
        return this.catchUpDone(msg.ok, msg.message);
      case 'lessonChanged':
        void this.reloadLesson();
        return;
      case 'error':
        return this.serverError(msg.code, msg.message);
      case 'broadcast':
        this.toaster.show(`From your instructor: ${msg.message}`);
        return;
    }
  }

  private welcome(msg: Extract<ServerMessage, { type: 'welcome' }>): void {
    const previous = this.sessionId;
    this.sessionId = msg.sessionId;
    this.environmentError = null;
    if (previous !== null && previous !== msg.sessionId) {
      // The server could not reattach (restarted, or reaped us): the runs shown describe a lost environment.
      this.state.clearRuns();
      this.toaster.show('The server started a new environment for you.');
    }
    this.terminals.welcome(msg.terminals);
    const target = msg.fresh ? catchUpTarget(this.lesson, this.state.completed) : null;
    this.catchUp = target && !this.catchUpDismissed ? { phase: 'offer', target } : null;
    this.renderAll(false);
  }

  private resetDone(ok: boolean, message: string | undefined): void {
    this.resetting = false;
    this.resetButton.disabled = false;
    this.resetButton.removeAttribute('aria-busy');
    if (!ok) {
      this.toaster.show(message ?? 'Reset failed.', 'error');
      return;
    }
    this.state.clearRuns();
    this.catchUp = null;
    this.toaster.show(message ?? 'Fresh environment ready. The lesson setup ran again.', 'success');
    this.renderAll(false);
  }

  private catchUpDone(ok: boolean, message: string | undefined): void {
    const target = this.catchUp?.target ?? null;
    this.catchUp = ok || !target ? null : { phase: 'offer', target };
    if (ok) this.toaster.show(message ?? 'Caught up: your environment matches your progress.', 'success');
    else this.toaster.show(message ?? 'Catch up stopped: a command failed. See the terminal.', 'error');
    this.renderBanners();
  }

  private serverError(code: string, message: string): void {
    const abandoned = this.state.abandonWaiting();
    for (const id of abandoned.cells) this.pageView?.updateCell(id);
    for (const id of abandoned.steps) this.pageView?.updateCheck(id);
    if (this.sessionId === null || ENVIRONMENT_ERRORS.has(code)) {
      this.environmentError = message;
      this.renderBanners();
      return;
    }
    this.toaster.show(message, 'error');
  }

  private async reloadLesson(): Promise<void> {
    const key = this.pages[this.index]?.key ?? null;
    try {
      this.lesson = await fetchLesson(this.lesson.id);
    } catch (e: unknown) {
      this.toaster.show(e instanceof Error ? e.message : 'Could not reload the lesson.', 'error');
      return;
    }
    this.pages = lessonPages(this.lesson);
    const at = this.pages.findIndex((p) => p.key === key);
    this.index = at >= 0 ? at : Math.min(this.index, this.pages.length - 1);
    this.terminals.ensure(this.lesson.terminals);
    this.renderAll(false);
    this.toaster.show('The lesson changed on disk and was reloaded.');
  }

  // ---- learner actions ----

  private readonly actions: PageActions = {
    run: (cell: Cell) => {
      if (cell.kind === 'file') {
        // A file cell writes its text into the environment; no terminal is involved.
        if (!this.conn.send({ type: 'writeFile', cellId: cell.id })) return this.notConnected();
        this.state.runSent(cell.id);
        this.pageView?.updateCell(cell.id);
        return;
      }
      this.terminals.reveal(cell.terminal - 1);
      if (!this.conn.send({ type: 'run', cellId: cell.id })) return this.notConnected();
      // Only exec cells get runStarted/runResult; interrupt and keys cells are typed and done.
      if (cell.kind !== 'exec') return;
      this.state.runSent(cell.id);
      this.pageView?.updateCell(cell.id);
      const unanswered = this.store.add(
        timeout(RUN_UNANSWERED_MS, () => {
          this.store.delete(unanswered);
          if (this.state.dropUnanswered(cell.id)) this.pageView?.updateCell(cell.id);
        }),
      );
    },
    stop: (cell: Cell) => {
      if (!this.conn.send({ type: 'interrupt', term: cell.terminal - 1 })) this.notConnected();
    },
    check: (step: StepView) => {
      if (!this.conn.send({ type: 'check', stepId: step.id })) return this.notConnected();
      this.state.checkSent(step.id);
      this.pageView?.updateCheck(step.id);
    },
    explore: (source: string) => {
      this.workbench.select('explorer');
      void this.explorer.open(source);
    },
    next: () => this.go(this.index + 1),
    prev: () => this.go(this.index - 1),
    setHelp: (stepId, next) => {
      this.state.setHelp(stepId, next);
      this.pageView?.updateCheck(stepId);
    },
  };

  private notConnected(): void {
    this.toaster.show(
      'Not connected to your environment right now. It reconnects by itself; try again in a moment.',
      'error',
    );
  }

  private async reset(): Promise<void> {
    if (this.resetting) return;
    const yes = await confirmDialog({
      title: 'Reset this lesson’s environment?',
      body: 'Your shells are closed, the working directory is emptied and the lesson’s setup runs again. Your progress through the steps is kept.',
      confirmLabel: 'Reset environment',
      danger: true,
    });
    if (!yes) return;
    if (!this.conn.send({ type: 'reset' })) {
      this.notConnected();
      return;
    }
    this.resetting = true;
    this.resetButton.disabled = true;
    this.resetButton.setAttribute('aria-busy', 'true');
    this.terminals.clearAll();
  }

  private startCatchUp(): void {
    if (!this.catchUp) return;
    if (!this.conn.send({ type: 'catchUp', stepId: this.catchUp.target.id })) return this.notConnected();
    this.catchUp = { phase: 'running', target: this.catchUp.target };
    this.terminals.reveal(0);
    this.renderBanners();
  }

  private go(index: number): void {
    const page = this.pages[index];
    if (!page || !isPageOpen(this.lesson, this.state.completed, page)) return;
    this.index = index;
    history.replaceState(null, '', `#${encodeURIComponent(page.key)}`);
    this.renderAll(true);
    this.root.querySelector('.lesson-pane')?.scrollTo({ top: 0 });
  }

  private followHash(): void {
    const key = decodeURIComponent(location.hash.replace(/^#/, ''));
    const i = this.pages.findIndex((p) => p.key === key);
    if (i >= 0 && i !== this.index) this.go(i);
  }

  // ---- rendering ----

  private renderAll(focus: boolean): void {
    const done = this.lesson.steps.filter((s) => this.state.completed.has(s.id)).length;
    this.topbar.setMiddle(progressMeter(done, this.lesson.steps.length));
    const isOpen = (p: LessonPage) => isPageOpen(this.lesson, this.state.completed, p);
    replaceChildren(
      this.outline,
      stepper({
        pages: this.pages,
        current: this.index,
        open: isOpen,
        complete: (p) => p.kind === 'step' && this.state.completed.has(p.step.id),
        go: (i) => this.go(i),
      }),
    );
    this.renderBanners();
    this.renderPage(focus);
  }

  private renderPage(focus: boolean): void {
    const page = this.pages[this.index];
    if (!page) {
      replaceChildren(this.pageSlot, h('p', { class: 'muted' }, 'This lesson has no steps.'));
      return;
    }
    const stepNo = page.kind === 'step' ? this.lesson.steps.findIndex((s) => s.id === page.step.id) + 1 : 0;
    const prev = this.pages[this.index - 1];
    const next = this.pages[this.index + 1];
    const completed = this.state.completed;
    this.pageView = new PageView(
      page,
      {
        label:
          page.kind === 'step'
            ? `Step ${stepNo} of ${this.lesson.steps.length}`
            : page.kind === 'intro'
              ? this.lesson.title
              : 'Well done',
        prev: prev ? { title: prev.title } : null,
        next: next ? { title: next.title, open: isPageOpen(this.lesson, completed, next) } : null,
      },
      {
        cell: (id) => this.state.cell(id),
        check: (id) => this.state.check(id),
        help: (id) => this.state.helpFor(id),
        complete: (id) => completed.has(id),
        lockedReason: 'Pass this step’s checks to open the next one.',
      },
      this.actions,
      { lessonId: this.lesson.id },
    );
    replaceChildren(this.pageSlot, this.pageView.element);
    if (focus) this.pageView.focusTitle();
  }

  private renderBanners(): void {
    const items: HTMLElement[] = this.unmet.map(unmetBanner);
    if (this.environmentError) {
      items.push(
        environmentErrorBanner(this.environmentError, this.conn.status === 'failed' ? () => this.conn.retry() : null),
      );
    }
    if (this.catchUp) {
      const target = this.catchUp.target;
      items.push(
        catchUpBanner({
          target,
          position: this.lesson.steps.findIndex((s) => s.id === target.id) + 1,
          running: this.catchUp.phase === 'running',
          onCatchUp: () => this.startCatchUp(),
          onDismiss: () => {
            this.catchUpDismissed = true;
            this.catchUp = null;
            this.renderBanners();
          },
        }),
      );
    }
    replaceChildren(this.banners, ...items);
  }
}
