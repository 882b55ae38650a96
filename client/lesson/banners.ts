// The notices above a lesson page: a need this host cannot meet, an environment that could not start, and the
// offer to catch up a fresh environment.
import type { LessonSummary, StepView } from '../../server/protocol/index.ts';
import { h, icon } from '../dom.ts';
import { sentence } from '../format.ts';
import { requirementName } from '../requirements.ts';
import { ICONS } from '../ui/icons.ts';

export function unmetBanner(u: LessonSummary['unmet'][number]): HTMLElement {
  return h(
    'div',
    { class: 'banner banner-warn', attrs: { role: 'note' } },
    icon(ICONS.alert),
    h(
      'div',
      { class: 'banner-text' },
      h(
        'p',
        { class: 'banner-title' },
        `This lesson needs ${requirementName(u.requirement)}, which this host does not have`,
      ),
      h('p', null, `${sentence(u.reason)} Commands that use it will fail until it is there.`),
    ),
  );
}

/** The server could not make the environment; `retry` is offered once the connection has given up. */
export function environmentErrorBanner(message: string, retry: (() => void) | null): HTMLElement {
  return h(
    'div',
    { class: 'banner banner-error', attrs: { role: 'alert' } },
    icon(ICONS.alert),
    h(
      'div',
      { class: 'banner-text' },
      h('p', { class: 'banner-title' }, 'Your environment could not start'),
      h('p', null, sentence(message)),
      retry
        ? h(
            'div',
            { class: 'banner-actions' },
            h('button', { class: 'btn btn-sm', attrs: { type: 'button' }, on: { click: retry } }, 'Try again'),
          )
        : null,
    ),
  );
}

// Catch up: shown when the server gave this page a fresh environment but the progress store says earlier steps
// are done (after a server restart, an idle reap, or a new browser). Their files and images are not here any
// more, so the page offers to replay the cells of those steps.

export interface CatchUpOptions {
  target: StepView;
  /** 1-based position of the target among the steps: steps 1..position-1 are replayed. */
  position: number;
  running: boolean;
  onCatchUp(): void;
  onDismiss(): void;
}

export function catchUpBanner(o: CatchUpOptions): HTMLElement {
  const last = o.position - 1;
  const range = last <= 1 ? 'step 1' : `steps 1–${last}`;
  if (o.running) {
    return h(
      'div',
      { class: 'banner banner-info', attrs: { role: 'status' } },
      h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }),
      h(
        'div',
        { class: 'banner-text' },
        h('p', { class: 'banner-title' }, `Catching up: replaying the commands of ${range}…`),
        h('p', null, 'Watch them run in the terminal. This page updates as each one finishes.'),
      ),
    );
  }
  return h(
    'div',
    { class: 'banner banner-info', attrs: { role: 'region', 'aria-label': 'Catch up' } },
    icon(ICONS.reset),
    h(
      'div',
      { class: 'banner-text' },
      h('p', { class: 'banner-title' }, 'Welcome back. This is a fresh environment.'),
      h(
        'p',
        null,
        `Your progress is saved, but the files and images from ${range} are not here any more. Replay those commands to pick up at “${o.target.title}”.`,
      ),
      h(
        'div',
        { class: 'banner-actions' },
        h(
          'button',
          {
            class: 'btn btn-primary btn-sm btn-catch-up',
            attrs: { type: 'button' },
            on: { click: () => o.onCatchUp() },
          },
          `Catch up (${range})`,
        ),
        h(
          'button',
          { class: 'btn btn-ghost btn-sm', attrs: { type: 'button' }, on: { click: () => o.onDismiss() } },
          'Not now',
        ),
      ),
    ),
  );
}
