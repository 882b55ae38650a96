// Two panes side by side with a draggable, keyboard-operable divider (ARIA "window splitter").
// The left pane's share of the width is kept in localStorage so it survives reloads.
import { h } from '../dom.ts';
import { DisposableStore, listen, type Disposable } from '../lifecycle.ts';
import { storageGet, storageSet } from '../storage.ts';

const STORAGE_KEY = 'stepwise.split';
/** Neither pane may shrink below this share of the width (percent): a lesson or terminal needs some room. */
const MIN_PERCENT = 25;
const MAX_PERCENT = 75;
const DEFAULT_PERCENT = 46;
/** One arrow-key press moves the divider this far (percent); Shift moves it further. */
const KEY_STEP = 2;
const KEY_STEP_LARGE = 10;

export class SplitView implements Disposable {
  readonly element: HTMLElement;
  private readonly divider: HTMLElement;
  private readonly store = new DisposableStore();
  private percent: number;

  constructor(left: HTMLElement, right: HTMLElement, label: string) {
    this.percent = readPercent();
    left.id ||= 'split-left';
    this.divider = h('div', {
      class: 'split-divider',
      attrs: {
        role: 'separator',
        tabindex: 0,
        'aria-orientation': 'vertical',
        'aria-label': label,
        'aria-controls': left.id,
        'aria-valuemin': MIN_PERCENT,
        'aria-valuemax': MAX_PERCENT,
      },
    });
    this.element = h('div', { class: 'split' }, left, this.divider, right);
    this.apply();
    this.store.add(listen(this.divider, 'pointerdown', (e) => this.drag(e)));
    this.store.add(listen(this.divider, 'keydown', (e) => this.key(e)));
    this.store.add(listen(this.divider, 'dblclick', () => this.set(DEFAULT_PERCENT)));
  }

  dispose(): void {
    this.store.dispose();
  }

  private drag(start: PointerEvent): void {
    start.preventDefault();
    this.divider.setPointerCapture(start.pointerId);
    this.element.classList.add('dragging');
    const rect = this.element.getBoundingClientRect();
    const move = (e: PointerEvent) => this.set(((e.clientX - rect.left) / rect.width) * 100);
    const up = () => {
      this.divider.removeEventListener('pointermove', move);
      this.divider.removeEventListener('pointerup', up);
      this.divider.removeEventListener('pointercancel', up);
      this.element.classList.remove('dragging');
      writePercent(this.percent);
    };
    this.divider.addEventListener('pointermove', move);
    this.divider.addEventListener('pointerup', up);
    this.divider.addEventListener('pointercancel', up);
  }

  private key(e: KeyboardEvent): void {
    const step = e.shiftKey ? KEY_STEP_LARGE : KEY_STEP;
    const moves: Record<string, number> = {
      ArrowLeft: -step,
      ArrowRight: step,
      Home: MIN_PERCENT - this.percent,
      End: MAX_PERCENT - this.percent,
    };
    const delta = moves[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    this.set(this.percent + delta);
    writePercent(this.percent);
  }

  private set(percent: number): void {
    this.percent = Math.min(MAX_PERCENT, Math.max(MIN_PERCENT, percent));
    this.apply();
  }

  private apply(): void {
    this.element.style.setProperty('--split-left', `${this.percent}%`);
    this.divider.setAttribute('aria-valuenow', String(Math.round(this.percent)));
  }
}

function readPercent(): number {
  const n = Number(storageGet('local', STORAGE_KEY));
  return n >= MIN_PERCENT && n <= MAX_PERCENT ? n : DEFAULT_PERCENT;
}

function writePercent(percent: number): void {
  storageSet('local', STORAGE_KEY, String(Math.round(percent * 10) / 10));
}
