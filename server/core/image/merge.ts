// The merged filesystem of an image: its layers applied in order with the OCI whiteout rules
// (image-spec layer.md):
// - ".wh.X" removes X and its subtree from lower layers; ".wh..wh..opq" hides all lower children of its dir;
// - neither touches entries of its own layer, whatever their order in the tar;
// - a later duplicate entry wins; a non-directory replacing a lower directory drops the lower subtree;
//   a directory over a lower directory keeps the lower children.
// Paths are merged by name, as the layers spell them: a symlinked directory is not followed.
import type { EntryKind, LayerChanges, LayerEntry, MergedPath } from '../model.ts';
import { WHITEOUT_PREFIX } from '../tar/entry-collector.ts';
import { WastedSpace } from './wasted.ts';

/** A path of the merged tree. `layer` is the layer that last wrote it, -1 for implied directories. */
interface Node {
  kind: EntryKind;
  size: number;
  layer: number;
  createdIn: number; // the layer in which this path came to exist (implied or written)
  sparse: boolean;
  children: Map<string, Node> | null;
}

export interface MergeResult {
  paths: MergedPath[]; // depth-first, names sorted; the root is not listed
  fileCount: number; // non-directory paths
  wastedBytes: number;
  changes: LayerChanges[]; // one per layer
}

function newNode(kind: EntryKind, size: number, layer: number, createdIn: number, sparse = false): Node {
  return { kind, size, layer, createdIn, sparse, children: kind === 'dir' ? new Map() : null };
}

/** "/a/b/" → ["a", "b"] */
function partsOf(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

function subtreeSize(node: Node): number {
  let total = node.size;
  if (node.children) for (const child of node.children.values()) total += subtreeSize(child);
  return total;
}

export function mergeLayers(layers: readonly (readonly LayerEntry[])[]): MergeResult {
  const root = newNode('dir', 0, -1, -1);
  const wasted = new WastedSpace();
  const changes: LayerChanges[] = [];

  const find = (parts: readonly string[]): Node | null => {
    let node: Node | undefined = root;
    for (const part of parts) {
      node = node.children?.get(part);
      if (!node) return null;
    }
    return node;
  };

  /** Walks to a parent, creating directories implied by the path (layer -1) where nothing is there. */
  const parentOf = (parts: readonly string[], layer: number): Node => {
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      node.children ??= new Map();
      let next = node.children.get(parts[i]!);
      if (!next) {
        next = newNode('dir', 0, -1, layer);
        node.children.set(parts[i]!, next);
      }
      node = next;
    }
    node.children ??= new Map();
    return node;
  };

  layers.forEach((entries, layer) => {
    const added = new Set<string>();
    const changed = new Set<string>();
    const removed = new Map<string, string>(); // key without the trailing '/' → path as listed
    wasted.beginLayer(entries);

    // Phase 1: whiteouts act on the lower layers only, so they run before this layer's own entries.
    for (const e of entries) {
      if (e.kind !== 'whiteout' && e.kind !== 'opaque') continue;
      const parts = partsOf(e.path);
      const dirParts = parts.slice(0, -1);
      const dirPath = dirParts.length ? `/${dirParts.join('/')}/` : '/';
      if (e.kind === 'opaque') {
        const dir = find(dirParts);
        if (dir?.children) {
          for (const [name, child] of dir.children)
            removed.set(`${dirPath}${name}`, `${dirPath}${name}${child.kind === 'dir' ? '/' : ''}`);
          dir.children.clear();
        }
        continue;
      }
      const name = parts[parts.length - 1]!.slice(WHITEOUT_PREFIX.length);
      const dir = find(dirParts);
      const target = dir?.children?.get(name);
      wasted.whiteout(`${dirPath}${name}`, target && target.kind === 'dir' ? subtreeSize(target) : 0);
      if (target) {
        dir!.children!.delete(name);
        removed.set(`${dirPath}${name}`, `${dirPath}${name}${target.kind === 'dir' ? '/' : ''}`);
      }
    }

    // Phase 2: this layer's entries, in order; a later duplicate wins.
    for (const e of entries) {
      if (e.kind === 'whiteout' || e.kind === 'opaque') continue;
      wasted.entry(e);
      const parts = partsOf(e.path);
      const parent = parentOf(parts, layer);
      const name = parts[parts.length - 1]!;
      const existing = parent.children!.get(name);
      if (existing && existing.kind === 'dir' && e.kind === 'dir') {
        existing.size = e.size;
        existing.layer = layer;
      } else {
        parent.children!.set(
          name,
          newNode(e.kind, e.size, layer, existing ? existing.createdIn : layer, e.sparse === true),
        );
      }
      const key = e.path.endsWith('/') ? e.path.slice(0, -1) : e.path;
      if (removed.delete(key))
        changed.add(e.path); // deleted and written again in one layer: a change
      else if (existing !== undefined && existing.createdIn < layer) changed.add(e.path);
      else if (!changed.has(e.path)) added.add(e.path);
    }
    changes.push({ added: [...added], changed: [...changed], removed: [...removed.values()] });
  });

  const paths: MergedPath[] = [];
  let fileCount = 0;
  const walk = (node: Node, prefix: string): void => {
    if (!node.children) return;
    for (const name of [...node.children.keys()].sort()) {
      const child = node.children.get(name)!;
      const isDir = child.kind === 'dir';
      const path = `${prefix}${name}${isDir ? '/' : ''}`;
      const merged: MergedPath = { path, kind: child.kind, size: child.size, layer: child.layer };
      if (child.sparse) merged.sparse = true;
      paths.push(merged);
      if (!isDir) fileCount++;
      walk(child, isDir ? path : `${path}/`);
    }
  };
  walk(root, '/');
  return { paths, fileCount, wastedBytes: wasted.total(), changes };
}
