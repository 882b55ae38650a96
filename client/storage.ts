// Web storage that may be unavailable: privacy modes and sandboxed frames throw SecurityError on access. Then
// nothing is remembered (a new session per load, the system theme, the default split) and nothing breaks.

export type StorageArea = 'local' | 'session';

function area(which: StorageArea): Storage {
  return which === 'local' ? localStorage : sessionStorage;
}

export function storageGet(which: StorageArea, key: string): string | null {
  try {
    return area(which).getItem(key);
  } catch (e: unknown) {
    if (e instanceof DOMException) return null;
    throw e;
  }
}

/** Stores `value`, or removes the key for null. Quota and security errors are ignored (see above). */
export function storageSet(which: StorageArea, key: string, value: string | null): void {
  try {
    if (value === null) area(which).removeItem(key);
    else area(which).setItem(key, value);
  } catch (e: unknown) {
    if (!(e instanceof DOMException)) throw e;
  }
}
