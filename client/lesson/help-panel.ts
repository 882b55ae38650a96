// Hints and the solution, revealed one at a time on request so the learner decides how much help to take.
import type { StepView } from '../../server/protocol/index.ts';
import { h, icon, replaceChildren } from '../dom.ts';
import { renderMarkdown, type RenderContext } from '../markdown/render.ts';
import { ICONS } from '../ui/icons.ts';
import type { HelpState } from './run-state.ts';

export class HelpPanel {
  readonly element: HTMLElement;

  constructor(
    private readonly step: StepView,
    private readonly ctx: RenderContext,
    private readonly onChange: (next: HelpState) => void,
  ) {
    this.element = h('section', { class: 'help', attrs: { 'aria-label': 'Hints and solution' } });
  }

  get isEmpty(): boolean {
    return this.step.hints.length === 0 && !this.step.solution;
  }

  update(state: HelpState): void {
    const { hints, solution } = this.step;
    const shown = hints
      .slice(0, state.hintsShown)
      .map((hint, i) =>
        h(
          'div',
          { class: 'hint-card' },
          h(
            'p',
            { class: 'hint-label' },
            icon(ICONS.bulb),
            hints.length > 1 ? `Hint ${i + 1} of ${hints.length}` : 'Hint',
          ),
          h('div', { class: 'prose' }, renderMarkdown(hint, this.ctx)),
        ),
      );
    const buttons: HTMLElement[] = [];
    if (state.hintsShown < hints.length) {
      const label = state.hintsShown === 0 ? 'Show a hint' : `Show hint ${state.hintsShown + 1} of ${hints.length}`;
      buttons.push(this.button(label, ICONS.bulb, () => this.onChange({ ...state, hintsShown: state.hintsShown + 1 })));
    }
    if (solution && !state.solutionShown) {
      buttons.push(
        this.button('Show the solution', ICONS.book, () => this.onChange({ ...state, solutionShown: true })),
      );
    }
    replaceChildren(
      this.element,
      ...shown,
      solution && state.solutionShown
        ? h(
            'div',
            { class: 'hint-card solution-card' },
            h('p', { class: 'hint-label' }, icon(ICONS.book), 'Solution'),
            h('div', { class: 'prose' }, renderMarkdown(solution, this.ctx)),
          )
        : null,
      buttons.length > 0 ? h('div', { class: 'help-actions' }, ...buttons) : null,
    );
  }

  private button(label: string, glyph: string, click: () => void): HTMLElement {
    return h(
      'button',
      { class: 'btn btn-ghost btn-sm', attrs: { type: 'button' }, on: { click } },
      icon(glyph),
      h('span', { class: 'btn-label' }, label),
    );
  }
}
