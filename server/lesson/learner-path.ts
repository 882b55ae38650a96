// Paths that a lesson asks to write in the learner's environment (file cells). The loader reports a bad one and
// the session refuses it again before writing: a path stays inside the learner's working directory.
import { posix } from 'node:path';

/** Longer than any real file path in a lesson; bounds what a hostile lesson can make the server handle. */
export const MAX_LEARNER_PATH_LENGTH = 1024;

/** Katacoda ran lessons as root in /root, and Killercoda's docs write `~/`: both mean the learner's folder. */
const HOME_PREFIXES: readonly string[] = ['~/', '/root/'];

export type LearnerPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * A path relative to the learner's working directory, normalised ("a/./b" is "a/b"), or why it is refused:
 * empty, too long, a NUL or control character, absolute, or climbing out with '..'.
 */
export function learnerPath(raw: string): LearnerPath {
  if (raw.length > MAX_LEARNER_PATH_LENGTH)
    return { ok: false, reason: `the path is longer than ${MAX_LEARNER_PATH_LENGTH} characters` };
  // Control characters are exactly what is refused here.
  if (/[\u0000-\u001f\u007f]/.test(raw))
    return { ok: false, reason: `the path '${JSON.stringify(raw).slice(1, -1)}' holds a control character` };
  const home = HOME_PREFIXES.find((p) => raw.startsWith(p));
  const relative = home ? raw.slice(home.length) : raw;
  if (relative.trim() === '') return { ok: false, reason: 'the path names no file' };
  if (posix.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative)) {
    return {
      ok: false,
      reason: `'${raw}' is absolute: a file cell writes only inside the learner's working directory`,
    };
  }
  if (relative.split(/[\\/]/).includes('..')) {
    return {
      ok: false,
      reason: `'${raw}' climbs out with '..': a file cell writes only inside the learner's working directory`,
    };
  }
  const path = posix.normalize(relative).replace(/\/+$/, '');
  if (path === '' || path === '.') return { ok: false, reason: 'the path names no file' };
  if (relative.endsWith('/')) return { ok: false, reason: `'${raw}' names a folder, not a file` };
  return { ok: true, path };
}
