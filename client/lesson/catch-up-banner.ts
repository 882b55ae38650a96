// Shown when the server gave this page a fresh environment but the progress store says earlier steps are done
// (after a server restart, an idle reap, or a new browser): their files and images are not here any more, so
// the page offers to replay the cells of those steps.
import type { StepView } from '../../server/protocol/api.ts';
import { h, icon } from '../dom.ts';
import { ICONS } from '../ui/icons.ts';

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
      h('div', { class: 'banner-text' }, h('p', { class: 'banner-title' }, `Catching up: replaying the commands of ${range}…`), h('p', null, 'Watch them run in the terminal. This page updates as each one finishes.')),
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
      h('p', null, `Your progress is saved, but the files and images from ${range} are not here any more. Replay those commands to pick up at “${o.target.title}”.`),
      h(
        'div',
        { class: 'banner-actions' },
        h('button', { class: 'btn btn-primary btn-sm btn-catch-up', attrs: { type: 'button' }, on: { click: o.onCatchUp } }, `Catch up (${range})`),
        h('button', { class: 'btn btn-ghost btn-sm', attrs: { type: 'button' }, on: { click: o.onDismiss } }, 'Not now'),
      ),
    ),
  );
}
