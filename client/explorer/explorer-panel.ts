// The image explorer tab: a field for a path or docker:// name (or a source a check hands over), then what the
// server's core library found: format, verification and each image's layers and files.
import type { ExplorerResponse } from '../../server/protocol/index.ts';
import { ApiFailure, fetchInspect } from '../api.ts';
import { h, icon, replaceChildren } from '../dom.ts';
import { ICONS } from '../ui/icons.ts';
import { ImageView } from './image-view.ts';

export class ExplorerPanel {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly result: HTMLElement;
  private inflight: AbortController | null = null;

  constructor(private readonly sessionId: () => string | null) {
    this.input = h('input', {
      class: 'input',
      attrs: {
        id: 'explorer-source',
        type: 'text',
        spellcheck: 'false',
        autocomplete: 'off',
        placeholder: 'redis.tar, an OCI folder, or docker://busybox',
      },
    });
    const form = h(
      'form',
      { class: 'explorer-form', attrs: { role: 'search', 'aria-label': 'Inspect an image' } },
      h(
        'label',
        { class: 'visually-hidden', attrs: { for: 'explorer-source' } },
        'Image archive path or docker:// name',
      ),
      h('span', { class: 'input-icon' }, icon(ICONS.search)),
      this.input,
      h('button', { class: 'btn btn-primary', attrs: { type: 'submit' } }, 'Inspect'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.open(this.input.value);
    });
    this.result = h('div', { class: 'explorer-result', attrs: { 'aria-live': 'polite' } }, this.emptyState());
    this.element = h(
      'div',
      { class: 'explorer', attrs: { role: 'tabpanel', id: 'panel-explorer', 'aria-label': 'Image explorer' } },
      form,
      this.result,
    );
  }

  focusInput(): void {
    this.input.focus();
  }

  async open(source: string): Promise<void> {
    const trimmed = source.trim();
    if (trimmed === '') {
      this.input.focus();
      return;
    }
    this.input.value = trimmed;
    const session = this.sessionId();
    if (session === null) {
      this.showError('Not connected to a session yet. Try again in a moment.');
      return;
    }
    this.inflight?.abort();
    const ctrl = new AbortController();
    this.inflight = ctrl;
    replaceChildren(
      this.result,
      h(
        'p',
        { class: 'explorer-loading' },
        h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }),
        'Reading ',
        h('code', null, trimmed),
        '…',
      ),
    );
    try {
      const res = await fetchInspect(session, trimmed, ctrl.signal);
      if (ctrl.signal.aborted) return;
      this.show(res);
    } catch (e: unknown) {
      if (ctrl.signal.aborted) return;
      if (e instanceof ApiFailure) this.showError(e.message);
      else throw e;
    } finally {
      if (this.inflight === ctrl) this.inflight = null;
    }
  }

  private show(res: ExplorerResponse): void {
    const head = h(
      'div',
      { class: 'explorer-head' },
      h('code', { class: 'explorer-source' }, res.source),
      h('span', { class: 'chip' }, res.format),
      res.verified
        ? h(
            'span',
            { class: 'chip chip-ok', attrs: { title: 'Every layer digest and diff_id matched' } },
            icon(ICONS.check),
            'verified',
          )
        : h(
            'span',
            { class: 'chip chip-warn', attrs: { title: 'A digest did not match, or the archive names none' } },
            icon(ICONS.alert),
            'not verified',
          ),
    );
    if (res.images.length === 0) {
      replaceChildren(
        this.result,
        head,
        h(
          'p',
          { class: 'explorer-note' },
          'This is a plain tar, not a container image: it has no manifest or index to read layers from.',
        ),
      );
      return;
    }
    const views = res.images.map((img) => new ImageView(img));
    replaceChildren(this.result, head, ...views.map((v) => v.element));
  }

  private showError(message: string): void {
    replaceChildren(
      this.result,
      h('div', { class: 'explorer-error', attrs: { role: 'alert' } }, icon(ICONS.alert), h('p', null, message)),
    );
  }

  private emptyState(): HTMLElement {
    return h(
      'div',
      { class: 'explorer-empty' },
      icon(ICONS.layers, 'icon icon-xl'),
      h('p', { class: 'explorer-empty-title' }, 'A container image is a tar of tars'),
      h(
        'p',
        { class: 'muted' },
        'Open an image to see its layers, the command that made each one, and which layer wrote every file. Type a path in your working directory, or a docker:// name.',
      ),
    );
  }
}
