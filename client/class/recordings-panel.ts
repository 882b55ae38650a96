// The recordings of one learner (issue 11), in a modal <dialog> opened from their row of the instructor's grid:
// each terminal recording with a Download link and a Play button; Play fetches the cast and opens it in the
// player below the list. Closing the panel disposes of the player (its terminal and timer).
import {
  recordingListSchema,
  type ClassLearnerView,
  type RecordingInfo,
  type RecordingState,
} from '../../server/protocol/index.ts';
import { h, replaceChildren } from '../dom.ts';
import { formatBytes } from '../format.ts';
import type { Disposable } from '../lifecycle.ts';
import type { ThemeName } from '../terminal/themes.ts';
import { CastPlayer } from './cast-player.ts';

const STATE_TEXT: Record<RecordingState, string> = {
  recording: 'recording now',
  complete: 'complete',
  cut: 'cut at the size limit',
  interrupted: 'interrupted',
};

export class RecordingsPanel implements Disposable {
  private readonly dialog: HTMLDialogElement;
  private readonly list = h('div', { class: 'recordings-list', attrs: { 'aria-live': 'polite' } }, 'Loading…');
  private readonly stage = h('div', { class: 'recordings-stage' });
  private player: CastPlayer | null = null;
  /** Counts Play clicks, so only the latest one's download becomes the player. */
  private playRequest = 0;
  private disposed = false;

  private constructor(
    private readonly learner: Pick<ClassLearnerView, 'id' | 'name'>,
    private readonly theme: ThemeName,
  ) {
    const titleId = `rec-${Math.random().toString(36).slice(2)}`;
    const close = h(
      'button',
      { class: 'btn btn-sm', attrs: { type: 'button' }, on: { click: () => this.dispose() } },
      'Close',
    );
    this.dialog = h(
      'dialog',
      { class: 'dialog recordings-panel', attrs: { 'aria-labelledby': titleId } },
      h('h2', { class: 'dialog-title', attrs: { id: titleId } }, `Recordings of ${learner.name}`),
      this.list,
      this.stage,
      h('div', { class: 'dialog-actions' }, close),
    );
    this.dialog.addEventListener('close', () => this.dispose());
  }

  /** Opens the panel for `learner` and loads their recordings; the player follows the page's theme. */
  static open(learner: Pick<ClassLearnerView, 'id' | 'name'>): RecordingsPanel {
    const theme: ThemeName = document.documentElement.dataset['theme'] === 'dark' ? 'dark' : 'light';
    const panel = new RecordingsPanel(learner, theme);
    document.body.append(panel.dialog);
    panel.dialog.showModal();
    void panel.load();
    return panel;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.player?.dispose();
    this.player = null;
    if (this.dialog.open) this.dialog.close();
    this.dialog.remove();
  }

  private base(): string {
    return `/api/class/learners/${encodeURIComponent(this.learner.id)}/recordings`;
  }

  private async load(): Promise<void> {
    const answer = await getText(this.base());
    if (this.disposed) return;
    const parsed = answer.ok ? recordingListSchema.safeParse(safeJson(answer.text)) : null;
    if (!parsed?.success) {
      replaceChildren(
        this.list,
        h('p', { class: 'empty', attrs: { role: 'alert' } }, 'The recordings could not be loaded.'),
      );
      return;
    }
    const { recordings } = parsed.data;
    if (recordings.length === 0) {
      replaceChildren(this.list, h('p', { class: 'empty' }, `${this.learner.name} has no recordings yet.`));
      return;
    }
    replaceChildren(
      this.list,
      h(
        'table',
        { class: 'recordings-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...['Lesson', 'Terminal', 'Started', 'Size', 'State', 'Actions'].map((c) =>
              h('th', { attrs: { scope: 'col' } }, c),
            ),
          ),
        ),
        h('tbody', null, ...recordings.map((r) => this.row(r))),
      ),
    );
  }

  private row(r: RecordingInfo): HTMLElement {
    const what = `${r.lessonId} T${r.terminal + 1}, ${new Date(r.startedAt).toLocaleString()}`;
    return h(
      'tr',
      { attrs: { 'data-recording': r.id } },
      h('td', null, r.lessonId),
      h('td', null, `T${r.terminal + 1}`),
      h('td', null, new Date(r.startedAt).toLocaleTimeString()),
      h('td', null, formatBytes(r.bytes)),
      h('td', null, STATE_TEXT[r.state]),
      h(
        'td',
        { class: 'class-actions' },
        h(
          'a',
          {
            class: 'btn btn-sm btn-ghost',
            attrs: {
              href: `${this.base()}/${encodeURIComponent(r.id)}`,
              download: '',
              'aria-label': `Download ${what}`,
            },
          },
          'Download',
        ),
        h(
          'button',
          {
            class: 'btn btn-sm',
            attrs: { type: 'button', 'aria-label': `Play ${what}` },
            on: { click: () => void this.play(r, what) },
          },
          'Play',
        ),
      ),
    );
  }

  private async play(r: RecordingInfo, what: string): Promise<void> {
    this.player?.dispose();
    this.player = null;
    const request = ++this.playRequest; // a later Play wins over a download still in flight
    replaceChildren(this.stage, h('p', { class: 'empty' }, 'Loading the recording…'));
    const answer = await getText(`${this.base()}/${encodeURIComponent(r.id)}`);
    if (this.disposed || request !== this.playRequest) return;
    if (!answer.ok) {
      replaceChildren(
        this.stage,
        h('p', { class: 'empty', attrs: { role: 'alert' } }, 'The recording could not be loaded.'),
      );
      return;
    }
    const player = new CastPlayer(answer.text, this.theme, `Recording of ${this.learner.name}, ${what}`);
    this.player = player;
    replaceChildren(this.stage, player.element);
    player.open();
    player.play();
  }
}

async function getText(url: string): Promise<{ ok: boolean; text: string }> {
  try {
    const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    return { ok: res.ok, text: res.ok ? await res.text() : '' };
  } catch (e: unknown) {
    if (e instanceof TypeError) return { ok: false, text: '' }; // the network, not us
    throw e;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
