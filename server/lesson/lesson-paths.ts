// Paths named by a lesson (assets, scripts, step files) must stay inside its folder.
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { errorText } from './text-file.ts';

export type ResolvedPath = { ok: true; path: string; exists: boolean } | { ok: false; reason: string };

/**
 * Resolves `name` against the lesson folder. An absolute path, `..` or a symlink leading out of the folder is
 * refused; a missing file is fine (exists: false) so the caller can warn.
 */
export async function resolveInside(dir: string, name: string): Promise<ResolvedPath> {
  if (isAbsolute(name)) return { ok: false, reason: `'${name}' is absolute; name it relative to the lesson folder` };
  const path = resolve(dir, name);
  if (!isWithin(resolve(dir), path)) return { ok: false, reason: `'${name}' leads out of the lesson folder` };
  let real: string;
  try {
    real = await realpath(path);
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: true, path, exists: false }; // the caller warns
    return { ok: false, reason: `'${name}': ${errorText(e)}` };
  }
  const realDir = await realpath(dir);
  if (!isWithin(realDir, real)) return { ok: false, reason: `'${name}' is a link leading out of the lesson folder` };
  return { ok: true, path, exists: true };
}

export function isWithin(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
