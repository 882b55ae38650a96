// /instructor: the class's live grid (DESIGN.md "Instructor live view"). One row per learner, one column per
// lesson step; each cell shows locked / open / passed / failed, with attempts and the last failure on hover.
// It follows the class over the instructor's socket (`hello {role: 'instructor'}` → classState, then
// classUpdate), reconnecting by itself; actions (broadcast, reset, remove) go through the HTTP API.
import {
  decodeServerMessage,
  decodeTerminalFrame,
  encodeInstructorHello,
  encodeInstructorMessage,
  type ClassLearnerView,
  type ClassStepView,
  type ClassUpdate,
  type ClassView,
  type InstructorMessageBody,
} from '../../server/protocol/index.ts';
import { h, replaceChildren } from '../dom.ts';
import { DisposableStore, timeout, type Disposable } from '../lifecycle.ts';
import { WatchPanel } from './watch-panel.ts';
import { confirmDialog } from '../ui/confirm.ts';
import { RecordingsPanel } from './recordings-panel.ts';
import type { ThemeController } from '../ui/theme.ts';
import type { Toaster } from '../ui/toast.ts';
import { Topbar } from '../ui/topbar.ts';
import { homeShell } from '../ui/home-shell.ts';

/** Wait before reconnecting the feed after it dropped (ms): the server may be restarting. */
const RECONNECT_DELAY_MS = 1_000;

/** How often the "on step for N min" column is redrawn (ms): it shows whole minutes. */
const ON_STEP_REFRESH_MS = 30_000;

const STATUS_MARK: Record<ClassStepView['status'], string> = { passed: '✓', failed: '✗', open: '·', locked: '' };

export class InstructorPage implements Disposable {
  private readonly store = new DisposableStore();
  private readonly topbar: Topbar;
  private view: ClassView | null = null;
  private readonly grid = h('div', { class: 'class-grid-wrap', attrs: { 'aria-live': 'off' } });
  private readonly head = h('header', { class: 'home-head' });
  private socket: WebSocket | null = null;
  private readonly watchSlot = h('div', { class: 'watch-slot' });
  private watchPanel: WatchPanel | null = null;

  constructor(
    root: HTMLElement,
    private readonly theme: ThemeController,
    private readonly toaster: Toaster,
  ) {
    this.topbar = this.store.add(new Topbar(theme, []));
    document.title = 'Class · stepwise';
    replaceChildren(
      root,
      homeShell(this.topbar, 'class-page', this.head, this.broadcastForm(), this.grid, this.watchSlot),
    );
    this.connect();
    this.store.interval(() => this.render(), ON_STEP_REFRESH_MS);
  }

  static mount(root: HTMLElement, theme: ThemeController, toaster: Toaster): InstructorPage {
    return new InstructorPage(root, theme, toaster);
  }

  dispose(): void {
    this.stopWatching();
    this.store.dispose();
    this.socket?.close();
  }

  private sendInstructor(message: InstructorMessageBody): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeInstructorMessage(message));
  }

  private watch(learner: ClassLearnerView): void {
    this.stopWatching();
    const lessonIds = Object.keys(learner.lessons);
    const lessonId = learner.onStep?.lessonId ?? lessonIds[0];
    if (lessonId === undefined) return;
    this.watchPanel = new WatchPanel(
      { id: learner.id, name: learner.name },
      lessonIds,
      lessonId,
      (m) => this.sendInstructor(m),
      this.theme,
      () => this.stopWatching(),
    );
    replaceChildren(this.watchSlot, this.watchPanel.element);
    this.watchPanel.element.scrollIntoView({ block: 'nearest' });
  }

  private stopWatching(): void {
    this.watchPanel?.dispose();
    this.watchPanel = null;
    replaceChildren(this.watchSlot);
  }

  private connect(): void {
    if (this.store.isDisposed) return;
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    this.socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('open', () => {
      ws.send(encodeInstructorHello());
      this.watchPanel?.start(); // a reconnect: watch again
    });
    ws.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (e.data instanceof ArrayBuffer) {
        const frame = decodeTerminalFrame(new Uint8Array(e.data));
        if (frame) this.watchPanel?.frame(frame.term, frame.payload);
        return;
      }
      if (typeof e.data !== 'string') return;
      const decoded = decodeServerMessage(e.data);
      if (!decoded.ok) return;
      const m = decoded.message;
      if (m.type === 'watching' || m.type === 'snapshot' || m.type === 'exited') {
        this.watchPanel?.handle(m);
        return;
      }
      if (m.type === 'error') {
        this.toaster.show(m.message, 'error');
        return;
      }
      if (m.type === 'classState') this.view = m.view;
      else if (m.type === 'classUpdate' && this.view) this.view = applyUpdate(this.view, m.update);
      else return;
      this.render();
    });
    ws.addEventListener('close', () => {
      if (this.socket === ws) this.store.add(timeout(RECONNECT_DELAY_MS, () => this.connect()));
    });
  }

  private render(): void {
    const view = this.view;
    if (!view) return;
    replaceChildren(
      this.head,
      h('h1', null, view.name),
      h(
        'p',
        { class: 'home-sub' },
        'Class code: ',
        h('strong', { class: 'class-code', attrs: { 'data-testid': 'class-code' } }, view.code),
        ` · ${view.learners.length} joined · learners open /join`,
      ),
      h(
        'p',
        { class: 'home-meta' },
        h('a', { attrs: { href: '/api/class/results.csv', download: 'results.csv' } }, 'Results (CSV)'),
        ' · ',
        h('a', { attrs: { href: '/api/class/results.xml', download: 'results.xml' } }, 'Results (JUnit XML)'),
      ),
    );
    const columns = lessonColumns(view.learners);
    if (view.learners.length === 0) {
      replaceChildren(this.grid, h('p', { class: 'empty' }, 'No one has joined yet.'));
      return;
    }
    const headRow = h(
      'tr',
      null,
      h('th', { attrs: { scope: 'col' } }, 'Learner'),
      h('th', { attrs: { scope: 'col' } }, 'On step'),
      ...columns.map((c) =>
        h('th', { attrs: { scope: 'col', title: `${c.lessonId} · ${c.stepId}` } }, `${c.lessonId} ${c.index + 1}`),
      ),
      h('th', { attrs: { scope: 'col' } }, 'Actions'),
    );
    const rows = view.learners.map((l) =>
      h(
        'tr',
        { attrs: { 'data-learner': l.id } },
        h(
          'th',
          { attrs: { scope: 'row' } },
          h('span', { class: `online-dot ${l.online ? 'is-online' : ''}`, attrs: { 'aria-hidden': 'true' } }),
          l.name,
          h('span', { class: 'visually-hidden' }, l.online ? ' (online)' : ' (offline)'),
        ),
        onStepCell(l, Date.now()),
        ...columns.map((c) => stepCell(l.lessons[c.lessonId]?.steps[c.index])),
        h(
          'td',
          { class: 'class-actions' },
          h(
            'button',
            {
              class: 'btn btn-sm',
              attrs: { type: 'button', 'aria-label': `Watch ${l.name}` },
              on: { click: () => this.watch(l) },
            },
            'Watch',
          ),
          h(
            'button',
            { class: 'btn btn-sm', attrs: { type: 'button' }, on: { click: () => void this.act(l, 'reset') } },
            'Reset',
          ),
          h(
            'button',
            {
              class: 'btn btn-sm btn-ghost',
              attrs: { type: 'button' },
              on: { click: () => void this.act(l, 'remove') },
            },
            'Remove',
          ),
          h(
            'button',
            {
              class: 'btn btn-sm btn-ghost',
              attrs: { type: 'button', 'aria-label': `Recordings of ${l.name}` },
              on: { click: () => RecordingsPanel.open(l) },
            },
            'Recordings',
          ),
        ),
      ),
    );
    replaceChildren(
      this.grid,
      h(
        'table',
        { class: 'class-grid', attrs: { 'aria-label': 'Learners by step' } },
        h('thead', null, headRow),
        h('tbody', null, ...rows),
      ),
    );
  }

  private broadcastForm(): HTMLElement {
    const input = h('input', {
      attrs: { id: 'broadcast', maxlength: 280, placeholder: 'A short message for every learner' },
    });
    const form = h(
      'form',
      { class: 'broadcast-form' },
      h('label', { attrs: { for: 'broadcast' } }, 'Broadcast'),
      input,
      h('button', { class: 'btn btn-sm', attrs: { type: 'submit' } }, 'Send'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const message = input.value.trim();
      if (message === '') return;
      void send('POST', '/api/class/broadcast', { message }).then((ok) => {
        this.toaster.show(ok ? 'Sent to every learner.' : 'The message could not be sent.', ok ? 'info' : 'error');
        if (ok) input.value = '';
      });
    });
    return form;
  }

  private async act(learner: ClassLearnerView, action: 'reset' | 'remove'): Promise<void> {
    const sure = await confirmDialog(
      action === 'reset'
        ? {
            title: `Reset ${learner.name}'s environment?`,
            body: "Their files and shells start again from the lesson's setup. Their progress is kept.",
            confirmLabel: 'Reset',
            danger: true,
          }
        : {
            title: `Remove ${learner.name}?`,
            body: 'Their sessions end and their link stops working. Their results are kept.',
            confirmLabel: 'Remove',
            danger: true,
          },
    );
    if (!sure) return;
    const id = encodeURIComponent(learner.id);
    const ok =
      action === 'reset'
        ? await send('POST', `/api/class/learners/${id}/reset`)
        : await send('DELETE', `/api/class/learners/${id}`);
    if (!ok) this.toaster.show(`Could not ${action} ${learner.name}.`, 'error');
  }
}

async function send(method: string, url: string, body?: unknown): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return res.ok;
  } catch (e: unknown) {
    if (e instanceof TypeError) return false;
    throw e;
  }
}

function applyUpdate(view: ClassView, update: ClassUpdate): ClassView {
  if (update.kind === 'removed') return { ...view, learners: view.learners.filter((l) => l.id !== update.learnerId) };
  const at = view.learners.findIndex((l) => l.id === update.learner.id);
  const learners =
    at === -1 ? [...view.learners, update.learner] : view.learners.map((l, i) => (i === at ? update.learner : l));
  return { ...view, learners };
}

function lessonColumns(learners: readonly ClassLearnerView[]): { lessonId: string; stepId: string; index: number }[] {
  const first = learners[0];
  if (!first) return [];
  return Object.entries(first.lessons).flatMap(([lessonId, { steps }]) =>
    steps.map((s, index) => ({ lessonId, stepId: s.id, index })),
  );
}

/** "tar-basics 2 · 4 min": the step a learner is on and for how long (whole minutes; under one shows "<1 min"). */
function onStepCell(learner: ClassLearnerView, nowMs: number): HTMLElement {
  const onStep = learner.onStep;
  if (!onStep) return h('td', { class: 'on-step' }, '—');
  const index = learner.lessons[onStep.lessonId]?.steps.findIndex((s) => s.id === onStep.stepId) ?? -1;
  const minutes = Math.max(0, Math.floor((nowMs - Date.parse(onStep.since)) / 60_000));
  const duration = minutes < 1 ? '<1 min' : minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h`;
  const where =
    onStep.stepId === null
      ? `${onStep.lessonId}: done`
      : `${onStep.lessonId} ${index >= 0 ? index + 1 : onStep.stepId}`;
  return h(
    'td',
    { class: 'on-step', attrs: { title: `since ${new Date(onStep.since).toLocaleTimeString()}` } },
    where,
    h('small', null, ` · ${duration}`),
  );
}

function stepCell(step: ClassStepView | undefined): HTMLElement {
  if (!step) return h('td', { class: 'step-cell' });
  const attempts = `${step.attempts} ${step.attempts === 1 ? 'attempt' : 'attempts'}`;
  const detail = `${step.id}: ${step.status}, ${attempts}${step.lastFailure ? `; last failure: ${step.lastFailure}` : ''}`;
  return h(
    'td',
    {
      class: `step-cell step-${step.status}`,
      attrs: { title: detail, 'aria-label': detail, 'data-status': step.status },
    },
    STATUS_MARK[step.status],
    step.attempts > 1 ? h('small', null, String(step.attempts)) : null,
  );
}
