// The merged filesystem of an image as a tree, for the explorer. Every node keeps the layer that last wrote it;
// paths that a whiteout removed appear as ghost nodes, so the learner sees what a later layer deleted.
// Pure: unit-tested under node.
import type { ExplorerImage } from '../../server/protocol/index.ts';

export interface TreeNode {
  name: string;
  path: string; // absolute; directories end in '/'
  kind: string; // file, dir, symlink, ... or 'whiteout' for a ghost node
  size: number; // own bytes; for directories the sum of everything below
  layer: number; // the layer that last wrote it; -1 for a directory only implied by deeper paths
  /** Set on ghost nodes: the layer whose whiteout removed this path. */
  removedBy?: number;
  /** Set on directories made opaque (`.wh..wh..opq`): the layer that hid all lower children. */
  opaqueIn?: number;
  children: TreeNode[] | null; // null for non-directories
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

export type WhiteoutTarget = { kind: 'remove'; path: string } | { kind: 'opaque'; dir: string };

/**
 * What a whiteout entry does. Accepts the entry as written in the layer (`/etc/.wh.motd`,
 * `/etc/.wh..wh..opq`) or an already-resolved target path (`/etc/motd`).
 */
export function whiteoutTarget(entryPath: string): WhiteoutTarget {
  const trimmed = entryPath.endsWith('/') ? entryPath.slice(0, -1) : entryPath;
  const slash = trimmed.lastIndexOf('/');
  const dir = trimmed.slice(0, slash + 1) || '/';
  const base = trimmed.slice(slash + 1);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  if (base.startsWith(WHITEOUT_PREFIX)) return { kind: 'remove', path: dir + base.slice(WHITEOUT_PREFIX.length) };
  return { kind: 'remove', path: trimmed };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export function buildTree(image: Pick<ExplorerImage, 'paths' | 'whiteouts'>): TreeNode {
  const root: TreeNode = { name: '/', path: '/', kind: 'dir', size: 0, layer: -1, children: [] };
  const index = new Map<string, TreeNode>([['/', root]]);

  const dirNode = (segments: string[]): TreeNode => {
    let node = root;
    let path = '/';
    for (const seg of segments) {
      path += `${seg}/`;
      let next = index.get(path);
      if (!next) {
        next = { name: seg, path, kind: 'dir', size: 0, layer: -1, children: [] };
        index.set(path, next);
        node.children!.push(next);
      }
      node = next;
    }
    return node;
  };

  for (const p of image.paths) {
    const segments = splitPath(p.path);
    if (segments.length === 0) continue; // the root itself
    if (p.path.endsWith('/') || p.kind === 'dir') {
      const node = dirNode(segments);
      node.layer = p.layer;
      continue;
    }
    const parent = dirNode(segments.slice(0, -1));
    const path = `/${segments.join('/')}`;
    const node: TreeNode = {
      name: segments[segments.length - 1]!,
      path,
      kind: p.kind,
      size: p.size,
      layer: p.layer,
      children: null,
    };
    index.set(path, node);
    parent.children!.push(node);
  }

  for (const w of image.whiteouts) {
    const target = whiteoutTarget(w.path);
    if (target.kind === 'opaque') {
      const node = index.get(target.dir);
      if (node) node.opaqueIn = w.layer;
      continue;
    }
    // A path re-added by a later layer is in the merged view already; only truly removed paths get a ghost.
    if (index.has(target.path) || index.has(`${target.path}/`)) continue;
    const segments = splitPath(target.path);
    if (segments.length === 0) continue;
    const parent = dirNode(segments.slice(0, -1));
    const ghost: TreeNode = {
      name: segments[segments.length - 1]!,
      path: target.path,
      kind: 'whiteout',
      size: 0,
      layer: w.layer,
      removedBy: w.layer,
      children: null,
    };
    index.set(target.path, ghost);
    parent.children!.push(ghost);
  }

  sumAndSort(root);
  return root;
}

/** Directories first, then names in code-point order (as `ls` does with LC_ALL=C); sizes add up bottom-up. */
function sumAndSort(node: TreeNode): number {
  if (node.children === null) return node.size;
  let total = 0;
  for (const c of node.children) total += sumAndSort(c);
  node.children.sort((a, b) => {
    const ad = a.children !== null ? 0 : 1;
    const bd = b.children !== null ? 0 : 1;
    return ad - bd || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
  node.size = total;
  return total;
}

/** Directory paths from the root down to `path`'s parent, to expand when revealing `path`. */
export function ancestorsOf(path: string): string[] {
  const segments = splitPath(path);
  const out: string[] = [];
  let acc = '/';
  for (const seg of segments.slice(0, -1)) {
    acc += `${seg}/`;
    out.push(acc);
  }
  return out;
}
