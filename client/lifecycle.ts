// Ownership of things that must be released: listeners, timers, observers, sockets. A view registers what it
// creates in its DisposableStore, and disposing the view releases all of it at once (xterm.js Lifecycle style).

export interface Disposable {
  dispose(): void;
}

export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  /** Takes ownership of `d`. Adding to a disposed store disposes `d` at once, so nothing leaks late. */
  add<T extends Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.add(d);
    return d;
  }

  /** Disposes and forgets one item early (e.g. a timer that fired). */
  delete(d: Disposable): void {
    if (this.items.delete(d)) d.dispose();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = [...this.items];
    this.items.clear();
    for (const d of items) d.dispose();
  }
}

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** addEventListener whose removal is a Disposable. */
export function listen<K extends keyof HTMLElementEventMap>(
  target: HTMLElement,
  type: K,
  fn: (e: HTMLElementEventMap[K]) => void,
): Disposable;
export function listen<K extends keyof WindowEventMap>(target: Window, type: K, fn: (e: WindowEventMap[K]) => void): Disposable;
export function listen<K extends keyof DocumentEventMap>(target: Document, type: K, fn: (e: DocumentEventMap[K]) => void): Disposable;
export function listen(target: EventTarget, type: string, fn: (e: Event) => void): Disposable {
  target.addEventListener(type, fn);
  return toDisposable(() => target.removeEventListener(type, fn));
}

/** A one-shot timer owned as a Disposable (clearing it is idempotent). */
export function timeout(ms: number, fn: () => void): Disposable {
  const handle = setTimeout(fn, ms);
  return toDisposable(() => clearTimeout(handle));
}

/** A tiny typed event emitter: `onX` is the public subscribe function, `fire` stays private to the owner. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  readonly event = (fn: (value: T) => void): Disposable => {
    this.listeners.add(fn);
    return toDisposable(() => this.listeners.delete(fn));
  };

  fire(value: T): void {
    for (const fn of [...this.listeners]) fn(value);
  }

  dispose(): void {
    this.listeners.clear();
  }
}
