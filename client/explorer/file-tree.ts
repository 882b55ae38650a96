// The merged file tree as an ARIA tree: rows are rendered flat with aria-level, one row is in the tab order
// (roving tabindex), and the arrow keys move, open and close as in a file manager. Only open directories'
// children are drawn, so an image with tens of thousands of files stays quick.
import { h, icon, replaceChildren } from '../dom.ts';
import { formatBytes } from '../format.ts';
import { ICONS } from '../ui/icons.ts';
import { ancestorsOf, type TreeNode } from './tree.ts';

/** A directory shows at most this many children; a note says how many more there are. */
const MAX_CHILDREN_SHOWN = 2000;
/** Indentation per tree level (px). */
const INDENT_PX = 18;

interface Row {
  node: TreeNode;
  depth: number; // 1-based, for aria-level
  parent: TreeNode | null;
}

export class FileTree {
  readonly element: HTMLElement;
  private readonly expanded = new Set<string>();
  private focusedPath: string | null = null;
  private rows: Row[] = [];
  private highlightLayer: number | null = null;

  constructor(
    private readonly root: TreeNode,
    private readonly layerLabel: (layer: number) => string,
    label: string,
  ) {
    this.element = h('ul', { class: 'file-tree', attrs: { role: 'tree', 'aria-label': label } });
    this.element.addEventListener('keydown', (e) => this.keydown(e));
    this.element.addEventListener('click', (e) => this.click(e));
    // A small tree opens its top level; large ones start closed.
    if ((root.children?.length ?? 0) <= 40)
      for (const c of root.children ?? []) if (c.children && c.children.length <= 12) this.expanded.add(c.path);
    this.render();
  }

  /** Highlights the paths layer `layer` wrote and opens the directories that lead to them (when few enough). */
  highlight(layer: number | null, paths: string[] = []): void {
    this.highlightLayer = layer;
    if (layer !== null && paths.length <= 200)
      for (const p of paths) for (const a of ancestorsOf(p)) this.expanded.add(a);
    this.render();
  }

  private render(): void {
    this.rows = [];
    this.collect(this.root, 0);
    if (this.focusedPath === null || !this.rows.some((r) => r.node.path === this.focusedPath))
      this.focusedPath = this.rows[0]?.node.path ?? null;
    replaceChildren(this.element, ...this.rows.map((r) => this.rowElement(r)));
  }

  private collect(dir: TreeNode, depth: number): void {
    const children = dir.children ?? [];
    for (const node of children.slice(0, MAX_CHILDREN_SHOWN)) {
      this.rows.push({ node, depth: depth + 1, parent: dir === this.root ? null : dir });
      if (node.children && this.expanded.has(node.path)) this.collect(node, depth + 1);
    }
    if (children.length > MAX_CHILDREN_SHOWN) {
      const more: TreeNode = {
        name: `… ${children.length - MAX_CHILDREN_SHOWN} more`,
        path: `${dir.path}\u0000more`,
        kind: 'more',
        size: 0,
        layer: -1,
        children: null,
      };
      this.rows.push({ node: more, depth: depth + 1, parent: dir === this.root ? null : dir });
    }
  }

  private rowElement({ node, depth }: Row): HTMLElement {
    const isDir = node.children !== null;
    const openable = isDir && node.children!.length > 0; // an empty folder is a leaf: nothing to open
    const open = openable && this.expanded.has(node.path);
    const ghost = node.removedBy !== undefined;
    const classes = ['tree-row'];
    if (ghost) classes.push('is-whiteout');
    if (this.highlightLayer !== null && node.layer === this.highlightLayer) classes.push('is-highlight');
    if (node.kind === 'more') classes.push('is-more');
    const badges = [];
    if (ghost)
      badges.push(
        h(
          'span',
          { class: 'tree-badge whiteout-badge', attrs: { title: 'A whiteout in a later layer removed this path' } },
          `removed in ${this.layerLabel(node.removedBy!)}`,
        ),
      );
    else if (node.layer >= 0)
      badges.push(
        h(
          'span',
          {
            class: `layer-chip layer-c${node.layer % 8}`,
            attrs: { title: `Last written by ${this.layerLabel(node.layer)}` },
          },
          this.layerLabel(node.layer),
        ),
      );
    if (node.opaqueIn !== undefined)
      badges.push(
        h(
          'span',
          { class: 'tree-badge', attrs: { title: 'An opaque whiteout hid everything lower layers put here' } },
          `opaque in ${this.layerLabel(node.opaqueIn)}`,
        ),
      );
    const kindIcon = isDir ? ICONS.folder : node.kind === 'symlink' ? ICONS.link : ICONS.file;
    return h(
      'li',
      {
        class: classes.join(' '),
        attrs: {
          role: 'treeitem',
          'aria-level': depth,
          'aria-expanded': openable ? String(open) : undefined,
          tabindex: node.path === this.focusedPath ? 0 : -1,
          'data-path': node.path,
          'data-layer': node.layer,
          'aria-label': `${node.name}${isDir ? ' folder' : ''}${ghost ? `, removed by a whiteout in ${this.layerLabel(node.removedBy!)}` : node.layer >= 0 ? `, written by ${this.layerLabel(node.layer)}` : ''}`,
        },
      },
      indent(depth),
      h('span', { class: `tree-twisty${open ? ' open' : ''}` }, openable ? icon(ICONS.chevronRight) : null),
      icon(kindIcon, `icon tree-icon${isDir ? ' is-dir' : ''}`),
      h('span', { class: 'tree-name' }, node.name + (isDir ? '/' : '')),
      ...badges,
      h('span', { class: 'tree-size' }, node.kind === 'more' || ghost ? '' : formatBytes(node.size)),
    );
  }

  private rowIndexOf(el: EventTarget | null): number {
    const li = el instanceof Element ? el.closest<HTMLElement>('.tree-row') : null;
    const path = li?.dataset['path'];
    return path === undefined ? -1 : this.rows.findIndex((r) => r.node.path === path);
  }

  private click(e: MouseEvent): void {
    const i = this.rowIndexOf(e.target);
    if (i < 0) return;
    this.toggle(i);
  }

  private toggle(i: number): void {
    const row = this.rows[i]!;
    this.focusedPath = row.node.path;
    if (row.node.children) {
      if (this.expanded.has(row.node.path)) this.expanded.delete(row.node.path);
      else this.expanded.add(row.node.path);
    }
    this.render();
    this.focusRow();
  }

  private keydown(e: KeyboardEvent): void {
    const i = this.rowIndexOf(e.target);
    if (i < 0) return;
    const row = this.rows[i]!;
    const isDir = row.node.children !== null;
    const open = isDir && this.expanded.has(row.node.path);
    let target = i;
    switch (e.key) {
      case 'ArrowDown':
        target = Math.min(this.rows.length - 1, i + 1);
        break;
      case 'ArrowUp':
        target = Math.max(0, i - 1);
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = this.rows.length - 1;
        break;
      case 'ArrowRight':
        if (isDir && !open) return this.handled(e, () => this.toggle(i));
        if (isDir && open) target = Math.min(this.rows.length - 1, i + 1);
        break;
      case 'ArrowLeft':
        if (isDir && open) return this.handled(e, () => this.toggle(i));
        if (row.parent) target = this.rows.findIndex((r) => r.node === row.parent);
        break;
      case 'Enter':
      case ' ':
        return this.handled(e, () => this.toggle(i));
      default:
        return;
    }
    e.preventDefault();
    this.focusedPath = this.rows[target]!.node.path;
    for (const li of this.element.children)
      (li as HTMLElement).tabIndex = (li as HTMLElement).dataset['path'] === this.focusedPath ? 0 : -1;
    this.focusRow();
  }

  private handled(e: KeyboardEvent, fn: () => void): void {
    e.preventDefault();
    fn();
  }

  private focusRow(): void {
    for (const li of this.element.children) {
      if ((li as HTMLElement).dataset['path'] === this.focusedPath) {
        (li as HTMLElement).focus();
        return;
      }
    }
  }
}

/** Indentation for a row at `depth` (CSSOM width, which the CSP allows, unlike a style attribute). */
function indent(depth: number): HTMLElement {
  const el = h('span', { class: 'tree-indent' });
  el.style.width = `${(depth - 1) * INDENT_PX}px`;
  return el;
}
