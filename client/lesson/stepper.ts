// The lesson's outline as a row of numbered stops (done, current, open, locked), and the progress meter.
import { h, icon } from '../dom.ts';
import { ICONS } from '../ui/icons.ts';
import type { LessonPage } from './pages.ts';

export interface StepperModel {
  pages: LessonPage[];
  current: number;
  open(page: LessonPage): boolean;
  complete(page: LessonPage): boolean;
  go(index: number): void;
}

export function stepper(m: StepperModel): HTMLElement {
  let stepNo = 0;
  const items = m.pages.map((page, i) => {
    const isStep = page.kind === 'step';
    if (isStep) stepNo++;
    const open = m.open(page);
    const done = m.complete(page);
    const current = i === m.current;
    const state = done ? 'done' : current ? 'current' : open ? 'open' : 'locked';
    const mark = done
      ? icon(ICONS.check)
      : !open
        ? icon(ICONS.lock)
        : h('span', null, isStep ? String(stepNo) : page.kind === 'intro' ? 'i' : '✓');
    const status = done ? 'complete' : open ? (current ? 'current' : 'open') : 'locked';
    const label = `${isStep ? `Step ${stepNo}: ` : ''}${page.title} (${status})`;
    const dot = open
      ? h(
          'button',
          {
            class: 'stop-dot',
            attrs: {
              type: 'button',
              'aria-label': label,
              title: page.title,
              'aria-current': current ? 'step' : undefined,
            },
            on: { click: () => m.go(i) },
          },
          mark,
        )
      : h(
          'span',
          {
            class: 'stop-dot',
            attrs: {
              role: 'img',
              'aria-label': label,
              title: `${page.title}: locked until the steps before it pass their checks`,
            },
          },
          mark,
        );
    return h('li', { class: `stop stop-${state}` }, dot);
  });
  return h('ol', { class: 'stepper', attrs: { 'aria-label': 'Lesson outline' } }, ...items);
}

/** "2 of 5 steps" with a bar; the bar is a real progressbar for assistive tech. */
export function progressMeter(done: number, total: number): HTMLElement {
  const fill = h('span', { class: 'progress-fill' });
  fill.style.width = `${total === 0 ? 0 : Math.round((done / total) * 100)}%`;
  return h(
    'div',
    { class: 'progress' },
    h(
      'span',
      {
        class: 'progress-track',
        attrs: {
          role: 'progressbar',
          'aria-label': 'Lesson progress',
          'aria-valuemin': 0,
          'aria-valuemax': total,
          'aria-valuenow': done,
        },
      },
      fill,
    ),
    h('span', { class: 'progress-text' }, `${done} of ${total} ${total === 1 ? 'step' : 'steps'}`),
  );
}
