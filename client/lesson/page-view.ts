// One page of a lesson (the intro, a step, or the finish): its prose and cells, the checks and help for a step,
// and previous/next. Shift+Enter in a cell runs it and moves focus to the next cell, as in a notebook.
import type { BlockView, CellView as Cell, StepView } from '../../server/protocol/index.ts';
import { h, icon, type Child } from '../dom.ts';
import { cellSlots, renderMarkdown, type RenderContext } from '../markdown/render.ts';
import { ICONS } from '../ui/icons.ts';
import type { CellRunState, CheckState, HelpState } from './run-state.ts';
import { CellView, type CellActions } from './cell-view.ts';
import { CheckPanel, type CheckActions } from './check-panel.ts';
import { HelpPanel } from './help-panel.ts';
import { InlineCellView } from './inline-cell-view.ts';
import type { LessonPage } from './pages.ts';

export interface PageNav {
  label: string; // "Step 2 of 3"
  prev: { title: string } | null;
  next: { title: string; open: boolean } | null;
}

export interface PageActions extends CellActions, CheckActions {
  prev(): void;
  setHelp(stepId: string, next: HelpState): void;
}

export interface PageState {
  cell(id: string): CellRunState;
  check(stepId: string): CheckState;
  help(stepId: string): HelpState;
  complete(stepId: string): boolean;
  /** Why the next page is closed, e.g. "Pass this step's checks to go on." */
  lockedReason: string;
}

export class PageView {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly cells = new Map<string, CellView | InlineCellView>();
  private readonly checks: CheckPanel | null = null;
  private readonly help: HelpPanel | null = null;
  private readonly step: StepView | null;

  constructor(
    readonly page: LessonPage,
    private readonly nav: PageNav,
    private readonly state: PageState,
    private readonly actions: PageActions,
    ctx: RenderContext,
  ) {
    this.step = page.kind === 'step' ? page.step : null;
    this.title = h('h1', { class: 'page-title', attrs: { tabindex: -1 } }, page.title);
    const blocks = page.kind === 'step' ? page.step.blocks : page.blocks;
    const body = h('div', { class: 'page-body' }, ...this.blocks(blocks, ctx));
    const sections: Child[] = [];
    if (this.step) {
      const step = this.step;
      this.checks = new CheckPanel(step, actions, nav.next && page.kind === 'step' ? nav.next.title : null);
      this.help = new HelpPanel(step, ctx, (next) => actions.setHelp(step.id, next));
      sections.push(this.checks.element, this.help.isEmpty ? null : this.help.element);
    }
    this.element = h(
      'article',
      { class: `page page-${page.kind}`, attrs: { 'aria-labelledby': 'page-title', 'data-page': page.key } },
      h('header', { class: 'page-head' }, h('p', { class: 'eyebrow' }, nav.label), this.title),
      body,
      ...sections,
      this.pager(),
    );
    this.title.id = 'page-title';
    this.element.addEventListener('keydown', (e) => this.keydown(e));
    this.refresh();
  }

  /** Redraws everything that depends on state (cells, checks, help, completion). */
  refresh(): void {
    for (const [id, view] of this.cells) view.update(this.state.cell(id));
    if (this.step) this.refreshStep(this.step);
  }

  updateCell(id: string): void {
    this.cells.get(id)?.update(this.state.cell(id));
  }

  updateCheck(stepId: string): void {
    if (this.step?.id === stepId) this.refreshStep(this.step);
  }

  focusTitle(): void {
    this.title.focus({ preventScroll: true });
  }

  private refreshStep(step: StepView): void {
    const complete = this.state.complete(step.id);
    this.element.classList.toggle('is-complete', complete);
    this.checks?.update(this.state.check(step.id), complete);
    this.help?.update(this.state.help(step.id));
  }

  private blocks(blocks: BlockView[], ctx: RenderContext): HTMLElement[] {
    let n = 0;
    const add = <V extends CellView | InlineCellView>(view: V): V => {
      this.cells.set(view.cell.id, view);
      return view;
    };
    return blocks.map((b) => {
      if (b.type === 'cell') return add(new CellView(b.cell, ++n, this.actions)).element;
      const prose = h('div', { class: 'prose' }, renderMarkdown(b.markdown, ctx));
      // Cells written inside the prose go where the markdown marks them; an unknown mark stays as it was.
      const known = new Map((b.cells ?? []).map((c) => [c.id, c]));
      for (const slot of cellSlots(prose)) {
        const cell = known.get(slot.id);
        if (!cell) continue;
        known.delete(slot.id);
        const view = slot.inline ? new InlineCellView(cell, ++n, this.actions) : new CellView(cell, ++n, this.actions);
        slot.element.replaceWith(add(view).element);
      }
      return prose;
    });
  }

  private pager(): HTMLElement {
    const { prev, next } = this.nav;
    const prevButton = prev
      ? h(
          'button',
          { class: 'btn btn-ghost pager-prev', attrs: { type: 'button' }, on: { click: () => this.actions.prev() } },
          icon(ICONS.chevronLeft),
          h(
            'span',
            { class: 'pager-text' },
            h('span', { class: 'pager-dir' }, 'Previous'),
            h('span', { class: 'pager-title' }, prev.title),
          ),
        )
      : h('span');
    let nextButton: HTMLElement = h('span');
    if (next) {
      nextButton = h(
        'button',
        {
          class: `btn pager-next ${next.open ? 'btn-primary' : ''}`,
          attrs: { type: 'button', disabled: !next.open, 'aria-describedby': next.open ? undefined : 'pager-locked' },
          on: { click: () => this.actions.next() },
        },
        h(
          'span',
          { class: 'pager-text' },
          h('span', { class: 'pager-dir' }, 'Next'),
          h('span', { class: 'pager-title' }, next.title),
        ),
        icon(next.open ? ICONS.chevronRight : ICONS.lock),
      );
    }
    return h(
      'nav',
      { class: 'pager', attrs: { 'aria-label': 'Step navigation' } },
      prevButton,
      next && !next.open
        ? h('p', { class: 'pager-locked', attrs: { id: 'pager-locked' } }, this.state.lockedReason)
        : null,
      nextButton,
    );
  }

  private keydown(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || !e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
    const el = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-cell-id]') : null;
    const id = el?.dataset['cellId'];
    const view = id ? this.cells.get(id) : undefined;
    if (!view) return;
    e.preventDefault(); // also stops a focused Run button from firing its own click
    if (view.cell.runnable) this.actions.run(view.cell);
    this.focusAfter(view.cell);
  }

  /** Moves focus to the cell after `cell`, or to the Check button after the last one. */
  private focusAfter(cell: Cell): void {
    const ids = [...this.cells.keys()];
    const next = ids[ids.indexOf(cell.id) + 1];
    if (next) {
      const view = this.cells.get(next)!;
      view.focus();
      view.element.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      return;
    }
    const check = this.element.querySelector<HTMLButtonElement>('.btn-check');
    check?.focus();
  }
}
