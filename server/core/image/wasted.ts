// Wasted space, as dive defines it (wagoodman/dive filetree/efficiency.go), so figures agree with that tool:
// every path that is a leaf of two or more layers' own trees is inefficient, and all of its copies count,
// the last one included. A whiteout counts the size of the lower directory it removes (0 for a file).
// Opaque markers do not count (dive ignores them).
import type { LayerEntry } from '../model.ts';
import { WHITEOUT_PREFIX } from '../tar/entry-collector.ts';

interface PathTally {
  layers: number;
  bytes: number;
}

export class WastedSpace {
  private readonly tally = new Map<string, PathTally>();
  private leaves = new Map<string, number>(); // this layer's leaf paths → bytes; a later duplicate wins
  private parents = new Set<string>(); // paths with children in this layer's own tree

  /** Starts a layer: works out which of its paths are leaves of its own tree. */
  beginLayer(entries: readonly LayerEntry[]): void {
    this.flush();
    for (const e of entries) {
      if (e.kind === 'opaque') continue;
      const key = keyOf(e);
      for (let slash = key.lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1)) {
        const parent = key.slice(0, slash);
        if (this.parents.has(parent)) break;
        this.parents.add(parent);
      }
    }
  }

  /** A whiteout of `target`; `removedBytes` is the size of the lower directory it removes, else 0. */
  whiteout(target: string, removedBytes: number): void {
    if (!this.parents.has(target)) this.leaves.set(target, removedBytes);
  }

  entry(e: LayerEntry): void {
    const key = keyOf(e);
    if (!this.parents.has(key)) this.leaves.set(key, e.size);
  }

  total(): number {
    this.flush();
    let wasted = 0;
    for (const t of this.tally.values()) if (t.layers >= 2) wasted += t.bytes;
    return wasted;
  }

  private flush(): void {
    for (const [path, bytes] of this.leaves) {
      const t = this.tally.get(path);
      if (t) {
        t.layers++;
        t.bytes += bytes;
      } else this.tally.set(path, { layers: 1, bytes });
    }
    this.leaves = new Map();
    this.parents = new Set();
  }
}

/** "/a/b/" → "/a/b"; "/a/.wh.b" → "/a/b" (dive names a whiteout by the path it removes). */
function keyOf(e: LayerEntry): string {
  const path = e.path.endsWith('/') ? e.path.slice(0, -1) : e.path;
  if (e.kind !== 'whiteout') return path;
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}${path.slice(slash + 1 + WHITEOUT_PREFIX.length)}`;
}
