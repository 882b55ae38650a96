// Ownership of things that must be released (listeners, timers, child processes, sockets), for the server and
// the client alike. Modelled on xterm.js src/common/Lifecycle.ts: whoever creates a resource registers it with
// its owner's store, and closing the owner is one dispose(). Pure: no Node and no DOM imports.

export interface Disposable {
  dispose(): void;
}

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

/**
 * A set of disposables released together, newest first (so a listener goes before the thing it listens to).
 * Invariant: after dispose(), anything added is disposed at once, so a late registration cannot leak.
 */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.add(item);
    }
    return item;
  }

  /** Disposes `item` early and stops owning it (e.g. a timer cancelled before it fired). */
  delete(item: Disposable): void {
    if (this.items.delete(item)) item.dispose();
  }

  timeout(fn: () => void, ms: number): Disposable {
    const handle = setTimeout(() => {
      this.items.delete(disposable);
      fn();
    }, ms);
    const disposable = this.add(toDisposable(() => clearTimeout(handle)));
    return disposable;
  }

  interval(fn: () => void, ms: number): Disposable {
    const handle = setInterval(fn, ms);
    return this.add(toDisposable(() => clearInterval(handle)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releaseAll();
  }

  /** Disposes what the store holds now but stays open for new items (e.g. a restarted shell's listeners). */
  clear(): void {
    this.releaseAll();
  }

  private releaseAll(): void {
    const items = [...this.items].reverse();
    this.items.clear();
    const errors: unknown[] = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch (e: unknown) {
        errors.push(e); // keep releasing the rest; report after
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed`);
  }
}

/** The private side of an `onX` event: owners keep the Emitter, and expose `readonly onX = this._onX.event`. */
export class Emitter<T> implements Disposable {
  private listeners: ((value: T) => void)[] = [];

  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.push(listener);
    return toDisposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };

  fire(value: T): void {
    // Snapshot, so a listener that unsubscribes itself doesn't skip its neighbour.
    for (const listener of [...this.listeners]) listener(value);
  }

  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  dispose(): void {
    this.listeners = [];
  }
}
