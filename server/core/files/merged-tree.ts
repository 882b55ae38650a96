// Lookups in an image's merged filesystem, with symlinks resolved inside the image the way a chroot would:
// an absolute target starts at the image's root, and '..' at the root stays there. No path ever leaves it.
import type { LayerEntry, MergedPath } from '../model.ts';
import { pathKey } from './capture.ts';

export interface TreeNode {
  key: string; // "/etc/passwd"; the root is ""
  path: MergedPath;
}

export type Walk =
  { found: true; node: TreeNode } | { found: false; key: string; why: 'missing' | 'not-a-directory' | 'symlink-loop' };

const ROOT: MergedPath = { path: '/', kind: 'dir', size: 0, layer: -1 };

/** "a//b/./c" → ["a", "b", "c"]; '..' is kept for the walk to apply. */
export function pathParts(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** A canonical absolute path: '..' applied (stopping at the root), no '.', no trailing '/'. */
export function canonicalPath(path: string): string {
  const out: string[] = [];
  for (const part of pathParts(path)) {
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export class MergedTree {
  private readonly byKey = new Map<string, MergedPath>();
  private readonly links: (Map<string, string> | undefined)[] = [];

  /** `layers`: every layer's entries, for link targets (the merged view keeps only kinds). */
  constructor(
    paths: readonly MergedPath[],
    private readonly layers: readonly (readonly LayerEntry[])[],
    private readonly maxSymlinkHops: number,
  ) {
    for (const p of paths) this.byKey.set(pathKey(p.path), p);
  }

  /** The target of the symlink or hardlink at `key` as layer `layer` last wrote it. */
  linkTarget(key: string, layer: number): string {
    let links = this.links[layer];
    if (!links) {
      links = new Map();
      for (const e of this.layers[layer] ?? [])
        if (e.linkTarget !== undefined) links.set(pathKey(e.path), e.linkTarget);
      this.links[layer] = links;
    }
    return links.get(key) ?? '';
  }

  /**
   * Walks `path` from the root. Symlinks on the way are followed; a final one only with `followFinal` (lstat
   * versus stat). At most maxSymlinkHops symlinks are followed in all.
   */
  walk(path: string, followFinal: boolean): Walk {
    const done: string[] = [];
    const todo = pathParts(path).reverse(); // a stack: the next component is last
    let hops = 0;
    while (todo.length > 0) {
      const part = todo.pop()!;
      if (part === '..') {
        done.pop();
        continue;
      }
      done.push(part);
      const key = `/${done.join('/')}`;
      const node = this.byKey.get(key);
      if (!node) return { found: false, key, why: 'missing' };
      const last = todo.length === 0;
      if (node.kind === 'symlink' && (followFinal || !last)) {
        if (++hops > this.maxSymlinkHops) return { found: false, key, why: 'symlink-loop' };
        const target = this.linkTarget(key, node.layer);
        done.pop();
        if (target.startsWith('/')) done.length = 0;
        todo.push(...pathParts(target).reverse());
        continue;
      }
      if (!last && node.kind !== 'dir') return { found: false, key, why: 'not-a-directory' };
    }
    const key = done.length ? `/${done.join('/')}` : '';
    return { found: true, node: { key, path: key === '' ? ROOT : this.byKey.get(key)! } };
  }
}
