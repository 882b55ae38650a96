// Short notices at the bottom of the page, read out by screen readers (aria-live). One region per page.
import { h, icon } from '../dom.ts';
import { ICONS } from './icons.ts';

/** How long a notice stays (ms): long enough to read two lines. Errors stay until dismissed. */
const TOAST_MS = 5000;

export type ToastKind = 'info' | 'success' | 'error';

export class Toaster {
  readonly element = h('div', { class: 'toasts', attrs: { role: 'status', 'aria-live': 'polite' } });

  show(message: string, kind: ToastKind = 'info'): void {
    const close = h(
      'button',
      { class: 'btn-icon', attrs: { type: 'button', 'aria-label': 'Dismiss' }, on: { click: () => item.remove() } },
      icon(ICONS.cross),
    );
    const glyph = kind === 'error' ? ICONS.alert : kind === 'success' ? ICONS.check : ICONS.bulb;
    const item = h('div', { class: `toast toast-${kind}` }, icon(glyph), h('span', null, message), close);
    this.element.append(item);
    if (kind !== 'error') setTimeout(() => item.remove(), TOAST_MS);
  }
}
