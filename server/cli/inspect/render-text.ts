// Human output of `stepwise inspect`: format, tags, config, a table of layers; --tree the merged tree with the
// layer of each path; --layers each layer's changes; --files every path.
import type { Image, InspectResult, MergedPath } from '../../core/index.ts';

export interface TextOptions {
  tree: boolean;
  layers: boolean;
  files: boolean;
}

const CONFIG_FIELDS = ['Cmd', 'Entrypoint', 'Env', 'WorkingDir', 'User', 'ExposedPorts'] as const;
/** Digests are shown as "sha256:" plus this many hex digits in tables; --json has them whole. */
const SHORT_DIGEST_HEX = 12;
/** createdBy lines are cut to this many characters in the layer table. */
const CREATED_BY_WIDTH = 60;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function shortDigest(d: string | null): string {
  if (!d) return '-';
  const colon = d.indexOf(':');
  return d.slice(0, colon + 1 + SHORT_DIGEST_HEX);
}

function table(rows: string[][], indent: string): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
  );
}

function configValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : JSON.stringify(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean | bigint);
}

export function renderText(r: InspectResult, opts: TextOptions): string {
  const out: string[] = [];
  out.push(`Source:    ${r.source}`);
  out.push(
    `Format:    ${r.format}${r.tar ? ` (${r.tar.compression === 'none' ? 'uncompressed' : r.tar.compression})` : ''}`,
  );
  out.push(`Verified:  ${r.format === 'tar' ? 'n/a (a plain tar declares no digests)' : r.verified ? 'yes' : 'NO'}`);
  for (const w of r.warnings) out.push(`  ! ${w}`);
  out.push(
    `Read:      ${r.read.mode === 'parallel' ? `in parallel, up to ${r.read.concurrency} layers at once` : 'in one pass'} (${r.read.reason})`,
  );
  if (r.tar) {
    out.push(`Entries:   ${r.tar.entries}`);
    if (r.tar.paths && (opts.tree || opts.files)) out.push('', ...renderPaths(r.tar.paths, opts.tree, '  ', false));
  }
  r.images.forEach((image, i) => out.push('', ...renderImage(image, i, r.images.length, opts)));
  return `${out.join('\n')}\n`;
}

function renderImage(image: Image, index: number, count: number, opts: TextOptions): string[] {
  const out: string[] = [];
  out.push(`Image ${index + 1}/${count}: ${image.tags.length ? image.tags.join(', ') : '(untagged)'}`);
  out.push(`  Config:       ${image.configDigest ?? '-'}`);
  if (image.manifestDigest) out.push(`  Manifest:     ${image.manifestDigest}`);
  out.push(`  Platform:     ${image.platform ?? '-'}`);
  for (const field of CONFIG_FIELDS) {
    const value = image.config[field];
    if (field === 'Env' && Array.isArray(value) && value.length > 0) {
      out.push(`  Env:          ${value[0]}`, ...value.slice(1).map((v) => `                ${v}`));
    } else out.push(`  ${`${field}:`.padEnd(14)}${configValue(value)}`);
  }
  out.push(`  Files:        ${image.fileCount} (wasted ${formatBytes(image.wastedBytes)})`);
  out.push('  Layers:');
  const rows = [['#', 'DIGEST', 'SIZE', 'ENTRIES', 'COMPRESSION', 'VERIFIED', 'CREATED BY']];
  image.layers.forEach((l, i) => {
    const createdBy = (l.createdBy ?? '').replace(/\s+/g, ' ').trim();
    rows.push([
      String(i),
      shortDigest(l.digest),
      formatBytes(l.size),
      String(l.entries),
      l.compression,
      l.verified ? 'yes' : 'NO',
      createdBy.length > CREATED_BY_WIDTH ? `${createdBy.slice(0, CREATED_BY_WIDTH - 1)}…` : createdBy,
    ]);
  });
  out.push(...table(rows, '    '));
  if (opts.layers) out.push(...renderChanges(image));
  if (image.paths && (opts.tree || opts.files)) {
    out.push(
      opts.tree ? '  Tree (L<n>: the layer that last wrote the path; "implied": a parent no layer lists):' : '  Paths:',
    );
    out.push(...renderPaths(image.paths, opts.tree, '    ', true));
  }
  return out;
}

function renderChanges(image: Image): string[] {
  const out: string[] = ['  Changes by layer:'];
  image.layers.forEach((l, i) => {
    const c = l.changes;
    if (!c) return;
    out.push(
      `    Layer ${i} ${shortDigest(l.digest)}: +${c.added.length} added, ~${c.changed.length} changed, -${c.removed.length} removed`,
    );
    for (const p of c.added) out.push(`      + ${p}`);
    for (const p of c.changed) out.push(`      ~ ${p}`);
    for (const p of c.removed) out.push(`      - ${p}`);
  });
  return out;
}

/** `layers`: show which layer wrote each path (an image); a plain tar has none. */
function renderPaths(paths: readonly MergedPath[], tree: boolean, indent: string, layers: boolean): string[] {
  if (!tree) return paths.map((p) => `${indent}${p.path}`);
  return paths.map((p) => {
    const trimmed = p.path.endsWith('/') ? p.path.slice(0, -1) : p.path;
    const depth = trimmed.split('/').length - 2;
    const name = trimmed.slice(trimmed.lastIndexOf('/') + 1) + (p.kind === 'dir' ? '/' : '');
    const layer = !layers ? '' : p.layer < 0 ? '  [implied]' : `  [L${p.layer}]`;
    const detail =
      p.kind === 'dir' ? '' : `  ${p.kind === 'file' ? formatBytes(p.size) : p.kind}${p.sparse ? ' (sparse)' : ''}`;
    return `${indent}${'  '.repeat(depth)}${name}${layer}${detail}`;
  });
}
