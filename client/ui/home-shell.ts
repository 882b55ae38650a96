// The frame of every page that is not a lesson (the lesson list, join, the instructor's grid, a problem): the top
// bar, then one `main` landmark (focusable, so the skip link and route changes can move focus to it).
import { h, type Child } from '../dom.ts';
import type { Topbar } from './topbar.ts';

/** `<div class="app app-home">` with the top bar and `<main id="main" class="home …">` holding `content`. */
export function homeShell(topbar: Topbar, mainClass: string, ...content: Child[]): HTMLElement {
  return h(
    'div',
    { class: 'app app-home' },
    topbar.element,
    h('main', { class: `home ${mainClass}`.trim(), attrs: { id: 'main', tabindex: -1 } }, ...content),
  );
}
