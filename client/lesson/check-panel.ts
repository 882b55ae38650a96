// "Check your work": the Check button and, after a check, one row per check: passed, or what was expected,
// what was seen, and the hint. An image check links to the explorer on the image it inspected.
import type { CheckOutcome } from '../../server/protocol/index.ts';
import type { StepView } from '../../server/protocol/index.ts';
import { h, icon, replaceChildren } from '../dom.ts';
import { ICONS } from '../ui/icons.ts';
import type { CheckState } from './run-state.ts';

export interface CheckActions {
  check(step: StepView): void;
  explore(source: string): void;
  next(): void;
}

export class CheckPanel {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly button: HTMLButtonElement;

  constructor(
    private readonly step: StepView,
    private readonly handlers: CheckActions,
    private readonly nextTitle: string | null,
  ) {
    const headingId = `checks-${step.id}`;
    const noChecks = step.checks === 0;
    this.button = h(
      'button',
      {
        class: 'btn btn-primary btn-check',
        attrs: { type: 'button' },
        on: { click: () => this.handlers.check(this.step) },
      },
      icon(ICONS.check),
      h('span', { class: 'btn-label' }, noChecks ? 'Mark as done' : 'Check'),
    );
    this.body = h('div', { class: 'checks-body', attrs: { 'aria-live': 'polite' } });
    this.element = h(
      'section',
      { class: 'checks', attrs: { 'aria-labelledby': headingId } },
      h(
        'div',
        { class: 'checks-head' },
        h(
          'div',
          null,
          h('h2', { class: 'checks-title', attrs: { id: headingId } }, 'Check your work'),
          h(
            'p',
            { class: 'checks-sub' },
            noChecks
              ? 'This step has no checks. Mark it done when you have run its commands.'
              : `${step.checks === 1 ? 'One check looks' : `${step.checks} checks look`} at what your commands produced.`,
          ),
        ),
        this.button,
      ),
      this.body,
    );
  }

  update(state: CheckState, complete: boolean): void {
    this.element.classList.toggle('is-complete', complete);
    this.button.disabled = state.state === 'checking';
    this.button.setAttribute('aria-busy', String(state.state === 'checking'));
    if (state.state === 'idle') {
      replaceChildren(this.body, complete ? this.summary(true) : null);
      return;
    }
    if (state.state === 'checking') {
      replaceChildren(
        this.body,
        h(
          'p',
          { class: 'checks-running' },
          h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }),
          'Checking…',
        ),
      );
      return;
    }
    const { results, passed } = state.message;
    replaceChildren(
      this.body,
      results.length > 0 ? h('ul', { class: 'check-results' }, ...results.map((r) => this.row(r))) : null,
      this.summary(passed),
    );
  }

  private row(r: CheckOutcome): HTMLElement {
    const explore = r.inspectSource
      ? h(
          'button',
          {
            class: 'btn btn-ghost btn-sm',
            attrs: { type: 'button' },
            on: { click: () => this.handlers.explore(r.inspectSource!) },
          },
          icon(ICONS.layers),
          h('span', { class: 'btn-label' }, 'Open in image explorer'),
        )
      : null;
    // An `output: true` check has no target worth showing: it looks at the last command run.
    const target = r.kind === 'output' ? h('span', null, 'the last command’s output') : h('code', null, r.target);
    const title = h('div', { class: 'check-title' }, h('span', { class: 'check-kind' }, r.kind), target);
    if (r.passed) {
      return h(
        'li',
        { class: 'check-result pass' },
        icon(ICONS.check, 'icon check-icon'),
        h(
          'div',
          { class: 'check-main' },
          title,
          r.expected ? h('p', { class: 'check-expected' }, r.expected) : null,
          explore,
        ),
      );
    }
    return h(
      'li',
      { class: 'check-result fail' },
      icon(ICONS.cross, 'icon check-icon'),
      h(
        'div',
        { class: 'check-main' },
        title,
        h(
          'dl',
          { class: 'check-facts' },
          h('dt', null, 'Expected'),
          h('dd', null, r.expected),
          h('dt', null, 'Seen'),
          h('dd', null, r.seen),
        ),
        r.hint ? h('p', { class: 'check-hint' }, icon(ICONS.bulb), h('span', null, r.hint)) : null,
        explore,
      ),
    );
  }

  private summary(passed: boolean): HTMLElement {
    if (!passed)
      return h(
        'p',
        { class: 'checks-summary fail' },
        'Not there yet. Fix what the failing checks describe, then check again.',
      );
    return h(
      'div',
      { class: 'checks-summary pass' },
      icon(ICONS.check),
      h('span', null, this.nextTitle ? 'Step complete. The next step is open.' : 'Step complete.'),
      this.nextTitle
        ? h(
            'button',
            { class: 'btn btn-primary btn-sm', attrs: { type: 'button' }, on: { click: () => this.handlers.next() } },
            h('span', { class: 'btn-label' }, `Next: ${this.nextTitle}`),
            icon(ICONS.chevronRight),
          )
        : null,
    );
  }
}
