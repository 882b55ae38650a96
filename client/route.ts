// Which page the URL names. The server serves index.html for `/` and `/lesson/*`; lesson ids are paths under the
// served root and may contain slashes, so each segment is encoded on its own. No DOM: unit-tested under node.

export type Route =
  | { page: 'list' }
  | { page: 'join' }
  | { page: 'instructor' }
  | { page: 'lesson'; lessonId: string; stepId: string | null }
  | { page: 'missing'; path: string };

const LESSON_PREFIX = '/lesson/';

export function parseRoute(pathname: string, hash: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'list' };
  if (pathname === '/join') return { page: 'join' };
  if (pathname === '/instructor') return { page: 'instructor' };
  if (pathname.startsWith(LESSON_PREFIX)) {
    const rest = pathname.slice(LESSON_PREFIX.length).replace(/\/+$/, '');
    if (rest === '') return { page: 'list' };
    const segments = rest.split('/').map(safeDecode);
    // A malformed %-escape in a hand-typed URL names no lesson.
    if (segments.some((s) => s === null)) return { page: 'missing', path: pathname };
    const step = hash.replace(/^#/, '');
    return { page: 'lesson', lessonId: segments.join('/'), stepId: step === '' ? null : safeDecode(step) };
  }
  return { page: 'missing', path: pathname };
}

export function lessonHref(lessonId: string, stepId?: string): string {
  const path = LESSON_PREFIX + lessonId.split('/').map(encodeURIComponent).join('/');
  return stepId ? `${path}#${encodeURIComponent(stepId)}` : path;
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch (e: unknown) {
    if (e instanceof URIError) return null;
    throw e;
  }
}
