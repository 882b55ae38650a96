// The browser's side of ownership: DOM listeners and timers as Disposables. The store, the emitter and
// Disposable itself are server/protocol/lifecycle.ts, shared with the server.
import { toDisposable, type Disposable } from '../server/protocol/index.ts';

export { DisposableStore, Emitter, toDisposable, type Disposable } from '../server/protocol/index.ts';

/** addEventListener whose removal is a Disposable. */
export function listen<K extends keyof HTMLElementEventMap>(
  target: HTMLElement,
  type: K,
  fn: (e: HTMLElementEventMap[K]) => void,
): Disposable;
export function listen<K extends keyof WindowEventMap>(
  target: Window,
  type: K,
  fn: (e: WindowEventMap[K]) => void,
): Disposable;
export function listen<K extends keyof DocumentEventMap>(
  target: Document,
  type: K,
  fn: (e: DocumentEventMap[K]) => void,
): Disposable;
export function listen(target: EventTarget, type: string, fn: (e: Event) => void): Disposable {
  target.addEventListener(type, fn);
  return toDisposable(() => target.removeEventListener(type, fn));
}

/** A one-shot timer owned as a Disposable (clearing it is idempotent). */
export function timeout(ms: number, fn: () => void): Disposable {
  const handle = setTimeout(fn, ms);
  return toDisposable(() => clearTimeout(handle));
}
