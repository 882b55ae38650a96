// The right-hand pane: terminal tabs (T1, T2, ...) and the image explorer, as an ARIA tab list. Arrow keys
// move between tabs; the selected tab's panel is shown. Terminal panels stay laid out (only hidden from view
// and from assistive tech) so xterm can measure them and keep their size.
import { h, icon } from './dom.ts';
import { Emitter, type Disposable } from './lifecycle.ts';

export type TabKey = `t${number}` | 'explorer';

interface Tab {
  key: TabKey;
  button: HTMLButtonElement;
  panel: HTMLElement;
  keepLayout: boolean;
}

export class Workbench implements Disposable {
  readonly element: HTMLElement;
  private readonly tablist: HTMLElement;
  private readonly panels: HTMLElement;
  private readonly tabs: Tab[] = [];
  private selectedKey: TabKey | null = null;
  private readonly _onSelect = new Emitter<TabKey>();
  readonly onSelect = this._onSelect.event;

  constructor(extra: HTMLElement) {
    this.tablist = h('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Terminals and tools' } });
    this.tablist.addEventListener('keydown', (e) => this.keydown(e));
    this.panels = h('div', { class: 'tab-panels' });
    this.element = h(
      'section',
      { class: 'workbench', attrs: { 'aria-label': 'Workbench' } },
      h('div', { class: 'tabbar' }, this.tablist, extra),
      this.panels,
    );
  }

  get selected(): TabKey | null {
    return this.selectedKey;
  }

  has(key: TabKey): boolean {
    return this.tabs.some((t) => t.key === key);
  }

  /** Adds a tab. Terminal tabs go before the explorer, in order. */
  add(key: TabKey, label: string, iconPath: string, panel: HTMLElement, keepLayout: boolean): void {
    const button = h(
      'button',
      {
        class: 'tab',
        attrs: {
          type: 'button',
          role: 'tab',
          id: `tab-${key}`,
          'aria-controls': panel.id,
          'aria-selected': 'false',
          tabindex: -1,
          'data-tab': key,
        },
        on: { click: () => this.select(key) },
      },
      icon(iconPath),
      h('span', null, label),
    );
    panel.setAttribute('aria-labelledby', button.id);
    panel.classList.add('tab-panel');
    const tab: Tab = { key, button, panel, keepLayout };
    const explorerAt = this.tabs.findIndex((t) => t.key === 'explorer');
    if (key !== 'explorer' && explorerAt >= 0) {
      this.tabs.splice(explorerAt, 0, tab);
      this.tablist.insertBefore(button, this.tabs[explorerAt + 1]!.button);
    } else {
      this.tabs.push(tab);
      this.tablist.append(button);
    }
    this.panels.append(panel);
    this.applyVisibility(tab, false);
    if (this.selectedKey === null) this.select(key);
  }

  select(key: TabKey): void {
    if (!this.has(key)) return;
    this.selectedKey = key;
    for (const t of this.tabs) {
      const on = t.key === key;
      t.button.setAttribute('aria-selected', String(on));
      t.button.tabIndex = on ? 0 : -1;
      this.applyVisibility(t, on);
    }
    this._onSelect.fire(key);
  }

  dispose(): void {
    this._onSelect.dispose();
  }

  private applyVisibility(t: Tab, on: boolean): void {
    t.panel.classList.toggle('is-selected', on);
    if (t.keepLayout) t.panel.toggleAttribute('inert', !on);
    else t.panel.hidden = !on;
  }

  private keydown(e: KeyboardEvent): void {
    const i = this.tabs.findIndex((t) => t.key === this.selectedKey);
    if (i < 0) return;
    const n = this.tabs.length;
    const moves: Record<string, number> = { ArrowLeft: (i - 1 + n) % n, ArrowRight: (i + 1) % n, Home: 0, End: n - 1 };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const tab = this.tabs[to]!;
    this.select(tab.key);
    tab.button.focus();
  }
}
