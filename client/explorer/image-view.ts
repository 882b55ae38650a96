// One image in the explorer: a summary line, the layers as a bar chart of sizes with the command that made each
// (from history), and below it the merged file tree or the selected layer's added/changed/removed paths.
import type { ExplorerImage, ExplorerLayer } from '../../server/protocol/index.ts';
import { h, icon, replaceChildren } from '../dom.ts';
import { formatBytes, plural, readableCommand, shortDigest } from '../format.ts';
import { ICONS } from '../ui/icons.ts';
import { FileTree } from './file-tree.ts';
import { buildTree } from './tree.ts';

/** A change list shows at most this many paths; the rest are counted. */
const MAX_CHANGES_SHOWN = 500;

type View = 'files' | 'changes';

export class ImageView {
  readonly element: HTMLElement;
  private readonly chart: HTMLElement;
  private readonly lower: HTMLElement;
  private readonly tree: FileTree;
  private selected: number | null = null;
  private view: View = 'files';
  private readonly viewButtons: Record<View, HTMLButtonElement>;

  constructor(private readonly image: ExplorerImage) {
    const label = (i: number) => `L${i + 1}`;
    this.tree = new FileTree(buildTree(image), label, 'Merged file tree');
    this.chart = h('ol', { class: 'layer-chart', attrs: { 'aria-label': 'Layers, bottom first' } });
    this.lower = h('div', { class: 'explorer-lower' });
    this.viewButtons = {
      files: this.segment('files', 'Files'),
      changes: this.segment('changes', 'Layer changes'),
    };
    this.element = h(
      'section',
      { class: 'image-view' },
      this.summary(),
      h('h3', { class: 'explorer-h' }, 'Layers', h('span', { class: 'muted' }, ' · select one to see what it wrote')),
      this.chart,
      h(
        'div',
        { class: 'segmented', attrs: { role: 'group', 'aria-label': 'Show' } },
        this.viewButtons.files,
        this.viewButtons.changes,
      ),
      this.lower,
    );
    this.renderChart();
    this.renderLower();
  }

  /** Selects layer `index` (0-based), as a click on its bar does. */
  selectLayer(index: number | null): void {
    this.selected = index;
    const layer = index === null ? null : this.image.layers[index];
    this.tree.highlight(index, layer ? [...layer.added, ...layer.changed] : []);
    this.renderChart();
    this.renderLower();
  }

  private summary(): HTMLElement {
    const img = this.image;
    const total = img.layers.reduce((n, l) => n + l.uncompressedSize, 0);
    const tags =
      img.tags.length > 0
        ? img.tags.map((t) => h('span', { class: 'chip chip-strong' }, t))
        : [h('span', { class: 'chip' }, 'untagged')];
    return h(
      'div',
      { class: 'image-summary' },
      h('div', { class: 'image-tags' }, ...tags),
      h(
        'dl',
        { class: 'image-stats' },
        stat('Layers', String(img.layers.length)),
        stat('Files', String(img.fileCount)),
        stat('Size', formatBytes(total)),
        stat('Wasted', formatBytes(img.wastedBytes)),
        stat('Config', shortDigest(img.configDigest)),
      ),
    );
  }

  private renderChart(): void {
    const max = Math.max(1, ...this.image.layers.map((l) => l.uncompressedSize));
    replaceChildren(this.chart, ...this.image.layers.map((l) => this.bar(l, max)));
  }

  private bar(layer: ExplorerLayer, max: number): HTMLElement {
    const command = readableCommand(layer.createdBy) || '(no history entry)';
    const pressed = this.selected === layer.index;
    // At least a sliver, so an empty layer is still visible as a layer.
    const width = Math.max(0.5, (layer.uncompressedSize / max) * 100);
    const fill = h('span', { class: `layer-bar-fill layer-bg${layer.index % 8}` });
    fill.style.width = `${width}%`;
    const counts = `+${layer.added.length} ~${layer.changed.length} −${layer.removed.length}`;
    return h(
      'li',
      null,
      h(
        'button',
        {
          class: `layer-row${pressed ? ' is-selected' : ''}`,
          attrs: {
            type: 'button',
            'aria-pressed': String(pressed),
            'data-layer': layer.index,
            'aria-label': `Layer ${layer.index + 1}: ${formatBytes(layer.uncompressedSize)}, ${plural(layer.entries, 'entry', 'entries')}. ${command}`,
            title: `${layer.diffId ?? layer.digest ?? ''}\nstored ${formatBytes(layer.size)}${layer.verified ? ', digest verified' : ''}`,
          },
          on: { click: () => this.selectLayer(pressed ? null : layer.index) },
        },
        h('span', { class: `layer-chip layer-c${layer.index % 8}` }, `L${layer.index + 1}`),
        h('span', { class: 'layer-bar' }, fill),
        h('span', { class: 'layer-size' }, formatBytes(layer.uncompressedSize)),
        h('span', { class: 'layer-counts', attrs: { 'aria-hidden': 'true' } }, counts),
        h('code', { class: 'layer-cmd' }, command),
      ),
    );
  }

  private segment(view: View, label: string): HTMLButtonElement {
    return h(
      'button',
      {
        class: 'segment',
        attrs: { type: 'button', 'aria-pressed': String(view === this.view) },
        on: { click: () => this.show(view) },
      },
      label,
    );
  }

  private show(view: View): void {
    this.view = view;
    for (const [k, b] of Object.entries(this.viewButtons)) b.setAttribute('aria-pressed', String(k === view));
    this.renderLower();
  }

  private renderLower(): void {
    if (this.view === 'files') {
      replaceChildren(this.lower, this.tree.element);
      return;
    }
    const layer = this.selected === null ? null : this.image.layers[this.selected];
    if (!layer) {
      replaceChildren(
        this.lower,
        h('p', { class: 'explorer-note' }, 'Select a layer above to see the paths it added, changed and removed.'),
      );
      return;
    }
    replaceChildren(
      this.lower,
      h(
        'p',
        { class: 'explorer-note' },
        icon(ICONS.layers),
        `L${layer.index + 1}: `,
        h('code', null, readableCommand(layer.createdBy) || '(no history entry)'),
      ),
      changeList('Added', 'added', layer.added),
      changeList('Changed', 'changed', layer.changed),
      changeList('Removed', 'removed', layer.removed),
    );
  }
}

function stat(term: string, value: string): HTMLElement {
  return h('div', { class: 'stat' }, h('dt', null, term), h('dd', null, value));
}

function changeList(title: string, kind: string, paths: string[]): HTMLElement {
  const shown = paths.slice(0, MAX_CHANGES_SHOWN);
  return h(
    'section',
    { class: `change-list change-${kind}` },
    h('h4', null, title, h('span', { class: 'count' }, String(paths.length))),
    paths.length === 0
      ? h('p', { class: 'muted' }, 'None')
      : h(
          'ul',
          null,
          ...shown.map((p) => h('li', null, h('code', null, p))),
          paths.length > shown.length ? h('li', { class: 'muted' }, `… and ${paths.length - shown.length} more`) : null,
        ),
  );
}
