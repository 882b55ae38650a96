// Light and dark themes. Before any script runs, styles.css follows prefers-color-scheme on its own; once the
// learner picks one with the toggle, the choice is kept in localStorage and set as <html data-theme>.
import { Emitter, type Disposable } from '../lifecycle.ts';
import { storageGet, storageSet } from '../storage.ts';
import type { ThemeName } from '../terminal/themes.ts';

const STORAGE_KEY = 'stepwise.theme';

export class ThemeController implements Disposable {
  private readonly media = matchMedia('(prefers-color-scheme: dark)');
  private readonly _onChange = new Emitter<ThemeName>();
  readonly onChange = this._onChange.event;
  private readonly mediaListener = () => {
    if (readChoice() === null) this.apply();
  };

  constructor() {
    this.media.addEventListener('change', this.mediaListener);
    this.apply();
  }

  get current(): ThemeName {
    return readChoice() ?? (this.media.matches ? 'dark' : 'light');
  }

  toggle(): void {
    storageSet('local', STORAGE_KEY, this.current === 'dark' ? 'light' : 'dark');
    this.apply();
  }

  dispose(): void {
    this.media.removeEventListener('change', this.mediaListener);
    this._onChange.dispose();
  }

  private apply(): void {
    const theme = this.current;
    document.documentElement.dataset['theme'] = theme;
    this._onChange.fire(theme);
  }
}

function readChoice(): ThemeName | null {
  const v = storageGet('local', STORAGE_KEY);
  return v === 'light' || v === 'dark' ? v : null;
}
