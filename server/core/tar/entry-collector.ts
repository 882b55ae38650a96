// Turns raw tar entries into the model's LayerEntry: canonical absolute paths (directories end in '/'), the
// root entry dropped, whiteout markers recognised, escapes rejected, and the inspect-wide entry budget charged.
import { CoreError } from '../errors.ts';
import type { EntryBudget } from '../limits.ts';
import type { EntryKind, LayerEntry } from '../model.ts';
import { normalizeEntryName, normalizeLinkTarget, SymlinkGuard } from './entry-path.ts';
import type { TarEntry } from './reader.ts';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export class EntryCollector {
  readonly entries: LayerEntry[] = [];
  private readonly guard: SymlinkGuard;

  /** `whiteouts`: read OCI whiteout markers (layers), or keep them as plain files (a plain tar). */
  constructor(
    private readonly label: string,
    private readonly budget: EntryBudget,
    private readonly whiteouts: boolean,
  ) {
    this.guard = new SymlinkGuard(label);
  }

  /** Adds one entry; returns it, or null for the root directory entry. */
  add(e: TarEntry): LayerEntry | null {
    const rel = normalizeEntryName(e.name, this.label);
    if (rel === '') return null;
    this.guard.check(rel, e.type === 'symlink');
    if (e.type === 'hardlink') this.guard.checkLinkTarget(rel, normalizeLinkTarget(rel, e.linkName, this.label));
    if (!this.budget.take(1)) {
      throw new CoreError('TAR_TOO_MANY_ENTRIES', `${this.label} goes past the limit of ${this.budget.max} entries`);
    }
    const kind = this.kindOf(e, rel);
    const entry: LayerEntry = { path: kind === 'dir' ? `/${rel}/` : `/${rel}`, kind, size: e.size, mode: e.mode };
    if (e.type === 'symlink' || e.type === 'hardlink') entry.linkTarget = e.linkName;
    if (e.sparse) entry.sparse = true;
    this.entries.push(entry);
    return entry;
  }

  private kindOf(e: TarEntry, rel: string): EntryKind {
    if (this.whiteouts) {
      const base = rel.slice(rel.lastIndexOf('/') + 1);
      if (base === OPAQUE_MARKER) return 'opaque';
      if (base.startsWith(WHITEOUT_PREFIX)) return 'whiteout';
    }
    return e.type;
  }
}
