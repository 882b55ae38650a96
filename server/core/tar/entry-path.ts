// Entry names made safe and canonical. A member path may never leave the archive: no '..' component, no
// absolute path (the bare root "/" or "./" is allowed: kaniko and GNU tar write one), no write through a
// symlink written earlier in the same tar, and no hardlink whose target does.
import { CoreError } from '../errors.ts';

/** Canonical relative path ("etc/passwd"), or '' for the root entry. */
export function normalizeEntryName(name: string, label: string): string {
  if (name.includes('\n') || name.includes('\0')) {
    throw new CoreError('TAR_BAD_NAME', `entry "${printable(name)}" in ${label} has a newline or NUL in its name`);
  }
  const parts = splitParts(name);
  if (parts.includes('..')) {
    throw new CoreError('TAR_PATH_ESCAPE', `entry "${name}" in ${label} leaves the archive through ".."`);
  }
  if (name.startsWith('/') && parts.length > 0) {
    throw new CoreError('TAR_PATH_ESCAPE', `entry "${name}" in ${label} has an absolute path`);
  }
  return parts.join('/');
}

/** A hardlink target, canonical and relative to the archive root. */
export function normalizeLinkTarget(entryName: string, target: string, label: string): string {
  const parts = splitParts(target);
  if (target.startsWith('/') || parts.includes('..') || parts.length === 0) {
    throw new CoreError(
      'TAR_LINK_ESCAPE',
      `hardlink "${entryName}" in ${label} points outside the archive: "${target}"`,
    );
  }
  return parts.join('/');
}

function splitParts(name: string): string[] {
  return name.split('/').filter((p) => p !== '' && p !== '.');
}

/** "a\nb" shown as "a\\nb" so a message stays one line. */
export function printable(name: string): string {
  return name.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\0/g, '\\0');
}

/**
 * Tracks symlinks written so far in one tar, and rejects entries that would be written through one: extracting
 * "x -> /etc" then "x/passwd" writes outside the root. Only this tar's own symlinks count; lower layers are
 * another tar.
 */
export class SymlinkGuard {
  private readonly links = new Set<string>();

  constructor(private readonly label: string) {}

  /** Checks a canonical entry path; records or clears the symlink at it. */
  check(rel: string, isSymlink: boolean): void {
    if (this.links.size > 0) {
      const via = this.symlinkAncestor(rel);
      if (via !== null) {
        throw new CoreError(
          'TAR_PATH_ESCAPE',
          `entry "${rel}" in ${this.label} is written through the symlink "${via}"`,
        );
      }
      if (!isSymlink) this.links.delete(rel);
    }
    if (isSymlink) this.links.add(rel);
  }

  /** Checks a canonical hardlink target. */
  checkLinkTarget(entry: string, target: string): void {
    if (this.links.size === 0) return;
    const via = this.symlinkAncestor(target); // linking to a symlink itself is fine; through one is not
    if (via !== null) {
      throw new CoreError(
        'TAR_LINK_ESCAPE',
        `hardlink "${entry}" in ${this.label} points through the symlink "${via}"`,
      );
    }
  }

  private symlinkAncestor(rel: string): string | null {
    let slash = rel.indexOf('/');
    while (slash !== -1) {
      const prefix = rel.slice(0, slash);
      if (this.links.has(prefix)) return prefix;
      slash = rel.indexOf('/', slash + 1);
    }
    return null;
  }
}
