// The session's terminals: one TerminalView and one tab per terminal index (0 = T1), and which of them have a
// live shell on the server. Output, snapshots and exits are routed here by terminal index.
import { DisposableStore, type Disposable } from '../lifecycle.ts';
import type { Connection } from '../session/connection.ts';
import type { ThemeController } from '../ui/theme.ts';
import { ICONS } from '../ui/icons.ts';
import type { Workbench } from '../workbench.ts';
import { TerminalView } from './terminal-view.ts';

export class TerminalSet implements Disposable {
  private readonly views = new Map<number, TerminalView>();
  /** Terminals with a running shell on the server, as the last welcome said plus those opened since. */
  private readonly live = new Set<number>();
  private readonly store = new DisposableStore();

  constructor(
    private readonly conn: Connection,
    private readonly workbench: Workbench,
    private readonly theme: ThemeController,
  ) {
    this.store.add(theme.onChange((t) => this.views.forEach((v) => v.setTheme(t))));
    this.store.add(
      workbench.onSelect((key) => {
        const term = termOfKey(key);
        if (term === null) return;
        this.ensureLive(term);
        this.views.get(term)?.fit();
      }),
    );
  }

  /** Makes sure tabs T1..T`count` exist. The workbench must already be in the document. */
  ensure(count: number): void {
    for (let i = 0; i < count; i++) this.view(i);
  }

  view(term: number): TerminalView {
    let v = this.views.get(term);
    if (!v) {
      v = new TerminalView(term, this.conn, this.theme.current);
      this.views.set(term, v);
      this.store.add(v);
      this.workbench.add(`t${term}`, `T${term + 1}`, ICONS.terminal, v.element, true);
      v.open();
    }
    return v;
  }

  /** The size of T1 for `hello`. */
  firstSize(): { cols: number; rows: number } {
    return this.view(0).fit();
  }

  /** A new connection was welcomed: restart ack counting and resend sizes (only T1's went with hello). */
  welcome(liveTerminals: number[]): void {
    this.live.clear();
    for (const t of liveTerminals) {
      this.live.add(t);
      this.view(t);
    }
    for (const v of this.views.values()) {
      v.newConnection();
      v.sendSize();
    }
    const selected = termOfKey(this.workbench.selected ?? 'explorer');
    if (selected !== null) this.ensureLive(selected);
  }

  output(term: number, payload: Uint8Array): void {
    this.view(term).write(payload);
  }

  snapshot(term: number, data: string): void {
    this.live.add(term);
    this.view(term).restore(data);
  }

  exited(term: number, exitCode: number | null): void {
    this.live.delete(term);
    this.view(term).showExited(exitCode, () => this.restart(term));
  }

  /** Shows terminal `term` (0-based) and makes sure its shell runs; used when a cell runs there. */
  reveal(term: number): void {
    this.view(term);
    this.workbench.select(`t${term}`);
  }

  focus(term: number): void {
    this.view(term).focus();
  }

  /** Forget screens after Reset: the server replaces the shells and sends fresh snapshots or output. */
  clearAll(): void {
    for (const v of this.views.values()) {
      v.hideOverlay();
      v.clear();
    }
  }

  dispose(): void {
    this.store.dispose();
  }

  private restart(term: number): void {
    // The screen carries on (the server's mirror keeps it too): the new prompt appears below the old output.
    const v = this.view(term);
    v.hideOverlay();
    this.live.delete(term);
    this.ensureLive(term);
    v.focus();
  }

  private ensureLive(term: number): void {
    if (this.live.has(term)) return;
    if (this.conn.send({ type: 'openTerminal', term })) {
      this.live.add(term);
      this.views.get(term)?.sendSize(true);
    }
  }
}

function termOfKey(key: string): number | null {
  const m = /^t(\d+)$/.exec(key);
  return m ? Number(m[1]) : null;
}
