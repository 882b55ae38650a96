// One runnable command in a step, shown as a notebook cell: the command with Copy and Run (or Stop), and under
// it the captured output and exit code once the run finishes. Keyboard: the cell itself is focusable, and
// Shift+Enter (handled by the step view) runs it and moves on.
import type { CellView as Cell } from '../../server/protocol/index.ts';
import { h, icon, replaceChildren } from '../dom.ts';
import { formatDuration } from '../format.ts';
import { copyText } from '../ui/clipboard.ts';
import { ICONS } from '../ui/icons.ts';
import { cellOutcome, isActive, type CellRunState } from './run-state.ts';

/** How long "Copied" shows on the copy button (ms). */
const COPIED_FEEDBACK_MS = 1500;

/** The button of a file cell: what it does to the file at its path. */
export function fileActionLabel(mode: NonNullable<Cell['file']>['mode']): string {
  return mode === 'replace' ? 'Write file' : mode === 'append' ? 'Append to file' : 'Create file';
}

export interface CellActions {
  run(cell: Cell): void;
  stop(cell: Cell): void;
}

export class CellView {
  readonly element: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly result: HTMLElement;

  constructor(
    readonly cell: Cell,
    private readonly position: number, // 1-based among the page's cells, for labels
    private readonly handlers: CellActions,
  ) {
    this.actions = h('div', { class: 'cell-actions' });
    this.result = h('div', { class: 'cell-result', attrs: { 'aria-live': 'polite' } });
    const firstLine = cell.file
      ? `${fileActionLabel(cell.file.mode)} ${cell.file.path}`
      : (cell.command.split('\n')[0] ?? '');
    this.element = h(
      'div',
      {
        class: `cell cell-${cell.kind}${cell.runnable ? ' cell-runnable' : ''}`,
        attrs: {
          tabindex: 0,
          role: 'group',
          'data-cell-id': cell.id,
          'aria-label': `Command ${position}: ${firstLine}${cell.runnable ? '. Shift+Enter runs it.' : ''}`,
        },
      },
      cell.file ? h('div', { class: 'cell-file-path' }, icon(ICONS.file), h('code', null, cell.file.path)) : null,
      h(
        'div',
        { class: 'cell-head' },
        h('pre', { class: 'cell-command' }, h('code', null, cell.command)),
        this.actions,
      ),
      this.result,
    );
  }

  /** Redraws the buttons and result for `state`. Cheap: called on every run message for this cell. */
  update(state: CellRunState): void {
    this.element.classList.toggle('is-active', isActive(state));
    this.element.dataset['state'] = state.state;
    replaceChildren(this.actions, ...this.buttons(state));
    this.renderResult(state);
  }

  focus(): void {
    this.element.focus();
  }

  private buttons(state: CellRunState): HTMLElement[] {
    const { cell } = this;
    const out: HTMLElement[] = [];
    if (cell.terminal !== 1)
      out.push(
        h('span', { class: 'chip', attrs: { title: `Runs in terminal T${cell.terminal}` } }, `T${cell.terminal}`),
      );
    const copy = h(
      'button',
      { class: 'btn btn-ghost btn-sm', attrs: { type: 'button', 'aria-label': `Copy command ${this.position}` } },
      icon(ICONS.copy),
      h('span', { class: 'btn-label' }, 'Copy'),
    );
    copy.addEventListener('click', () => void this.copy(copy));
    out.push(copy);
    if (!cell.runnable) return out;
    if (isActive(state) && cell.kind !== 'interrupt') {
      out.push(
        h(
          'button',
          {
            class: 'btn btn-sm btn-stop',
            attrs: { type: 'button', 'aria-label': `Stop command ${this.position} (Ctrl-C)` },
            on: { click: () => this.handlers.stop(cell) },
          },
          icon(ICONS.stop),
          h('span', { class: 'btn-label' }, 'Stop'),
        ),
      );
      return out;
    }
    const label = cell.file
      ? fileActionLabel(cell.file.mode)
      : cell.kind === 'interrupt'
        ? 'Send Ctrl-C'
        : cell.kind === 'keys'
          ? 'Send keys'
          : 'Run';
    out.push(
      h(
        'button',
        {
          class: 'btn btn-sm btn-run',
          attrs: { type: 'button', 'aria-label': `${label}: command ${this.position}` },
          on: { click: () => this.handlers.run(cell) },
        },
        icon(ICONS.play),
        h('span', { class: 'btn-label' }, label),
      ),
    );
    return out;
  }

  private renderResult(state: CellRunState): void {
    switch (state.state) {
      case 'idle':
        this.result.replaceChildren();
        this.result.hidden = true;
        return;
      case 'sent':
        this.status('pending', 'Starting…');
        return;
      case 'queued':
        this.status(
          'pending',
          state.position > 0
            ? `Queued: ${state.position} ahead in T${this.cell.terminal}`
            : `Queued in T${this.cell.terminal}`,
        );
        return;
      case 'running':
        this.status('pending', `Running in T${this.cell.terminal}…`);
        return;
      case 'done':
        this.done(state.result);
    }
  }

  private status(kind: string, text: string): void {
    this.result.hidden = false;
    replaceChildren(
      this.result,
      h(
        'div',
        { class: `cell-status cell-status-${kind}` },
        h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }),
        text,
      ),
    );
  }

  private done(result: Extract<CellRunState, { state: 'done' }>['result']): void {
    const outcome = cellOutcome(result, this.cell.expectExit);
    const exitText =
      result.exitCode === null
        ? 'Interrupted'
        : outcome === 'ok'
          ? `Exit ${result.exitCode}${this.cell.expectExit !== 0 ? ' (as expected)' : ''}`
          : `Exit ${result.exitCode} (expected ${this.cell.expectExit})`;
    const statusIcon = outcome === 'ok' ? ICONS.check : outcome === 'interrupted' ? ICONS.stop : ICONS.cross;
    const output = result.output.replace(/\n+$/, '');
    this.result.hidden = false;
    replaceChildren(
      this.result,
      output === ''
        ? h('p', { class: 'cell-no-output' }, 'No output')
        : h(
            'pre',
            { class: 'cell-output', attrs: { tabindex: 0, 'aria-label': `Output of command ${this.position}` } },
            output,
          ),
      h(
        'div',
        { class: `cell-status cell-status-${outcome}` },
        icon(statusIcon),
        h(
          'span',
          {
            class: 'cell-exit',
            attrs: { 'data-exit-code': result.exitCode === null ? 'none' : String(result.exitCode) },
          },
          exitText,
        ),
        h('span', { class: 'cell-duration' }, formatDuration(result.durationMs)),
        result.truncated
          ? h('span', { class: 'cell-truncated' }, 'Output shortened; the terminal has all of it')
          : null,
      ),
    );
  }

  private async copy(button: HTMLButtonElement): Promise<void> {
    const ok = await copyText(this.cell.command);
    const label = button.querySelector('.btn-label');
    if (!label) return;
    label.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => {
      label.textContent = 'Copy';
    }, COPIED_FEEDBACK_MS);
  }
}
