// The bar across the top of every page: the stepwise mark and where you are on the left, page actions and the
// theme toggle on the right.
import { h, icon, replaceChildren, type Child } from '../dom.ts';
import type { Disposable } from '../lifecycle.ts';
import { ICONS } from './icons.ts';
import type { ThemeController } from './theme.ts';

export class Topbar implements Disposable {
  readonly element: HTMLElement;
  private readonly middle: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly themeButton: HTMLButtonElement;
  private readonly themeSub: Disposable;

  constructor(theme: ThemeController, crumbs: Child[]) {
    this.themeButton = h('button', {
      class: 'btn-icon',
      attrs: { type: 'button' },
      on: { click: () => theme.toggle() },
    });
    const paint = () => {
      const dark = theme.current === 'dark';
      replaceChildren(this.themeButton, icon(dark ? ICONS.sun : ICONS.moon));
      this.themeButton.setAttribute('aria-label', dark ? 'Switch to the light theme' : 'Switch to the dark theme');
      this.themeButton.title = this.themeButton.getAttribute('aria-label') ?? '';
    };
    paint();
    this.themeSub = theme.onChange(paint);
    this.middle = h('div', { class: 'topbar-middle' });
    this.actions = h('div', { class: 'topbar-actions' });
    this.element = h(
      'header',
      { class: 'topbar' },
      h('a', { class: 'skip-link', attrs: { href: '#main' } }, 'Skip to content'),
      h(
        'nav',
        { class: 'crumbs', attrs: { 'aria-label': 'Breadcrumb' } },
        h(
          'a',
          { class: 'brand', attrs: { href: '/', 'aria-label': 'stepwise: all lessons' } },
          h('span', { class: 'brand-mark', attrs: { 'aria-hidden': 'true' } }),
          'stepwise',
        ),
        ...crumbs.map((c) =>
          c
            ? h('span', { class: 'crumb' }, h('span', { class: 'crumb-sep', attrs: { 'aria-hidden': 'true' } }, '/'), c)
            : null,
        ),
      ),
      this.middle,
      h('div', { class: 'topbar-right' }, this.actions, this.themeButton),
    );
  }

  setMiddle(...children: Child[]): void {
    replaceChildren(this.middle, ...children);
  }

  setActions(...children: Child[]): void {
    replaceChildren(this.actions, ...children);
  }

  dispose(): void {
    this.themeSub.dispose();
  }
}
