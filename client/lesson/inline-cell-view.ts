// A cell written inside a sentence (Katacoda's `cmd`{{exec}}): the command as inline code with a small Run (or
// Copy) button after it, and a quiet status mark once it ran. Its full output is in the terminal.
import type { CellView as Cell } from '../../server/protocol/index.ts';
import { h, icon, replaceChildren } from '../dom.ts';
import { formatDuration } from '../format.ts';
import { copyText } from '../ui/clipboard.ts';
import { ICONS } from '../ui/icons.ts';
import { fileActionLabel, type CellActions } from './cell-view.ts';
import { cellOutcome, isActive, type CellRunState } from './run-state.ts';

export class InlineCellView {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly button: HTMLButtonElement;

  constructor(
    readonly cell: Cell,
    position: number,
    handlers: CellActions,
  ) {
    const runs = cell.runnable;
    const shown = cell.file ? cell.file.path : cell.command;
    const label = cell.file
      ? `${fileActionLabel(cell.file.mode)} ${position}: ${shown}`
      : runs
        ? `Run command ${position}: ${shown}`
        : `Copy command ${position}: ${shown}`;
    const title = cell.file ? fileActionLabel(cell.file.mode) : runs ? `Run in T${cell.terminal}` : 'Copy';
    this.button = h(
      'button',
      { class: `icell-btn${runs ? ' is-run' : ''}`, attrs: { type: 'button', 'aria-label': label, title } },
      icon(runs ? ICONS.play : ICONS.copy),
    );
    this.button.addEventListener('click', () => {
      if (runs) handlers.run(cell);
      else void copyText(cell.command);
    });
    this.status = h('span', { class: 'icell-status', attrs: { 'aria-live': 'polite' } });
    this.element = h(
      'span',
      { class: 'icell', attrs: { 'data-cell-id': cell.id, tabindex: -1 } },
      h('code', null, shown),
      this.button,
      this.status,
    );
  }

  update(state: CellRunState): void {
    this.element.classList.toggle('is-active', isActive(state));
    if (isActive(state)) {
      replaceChildren(this.status, h('span', { class: 'spinner', attrs: { 'aria-label': 'running' } }));
      return;
    }
    if (state.state !== 'done') {
      this.status.replaceChildren();
      return;
    }
    const outcome = cellOutcome(state.result, this.cell.expectExit);
    const text = state.result.exitCode === null ? 'interrupted' : `exit ${state.result.exitCode}`;
    this.status.title = `${text} · ${formatDuration(state.result.durationMs)}`;
    replaceChildren(
      this.status,
      icon(outcome === 'ok' ? ICONS.check : ICONS.cross, `icon icell-${outcome}`),
      h('span', { class: 'visually-hidden' }, text),
    );
  }

  focus(): void {
    this.button.focus();
  }
}
