// The wanted paths of one image (InspectOptions.wantFiles), answered from its merged tree and the copies its
// layers captured. A path reached through a link whose target was not captured in this read is named in
// `needs`, so the caller can read the source once more with it added.
import type { EntryKind, ImageFile, LayerEntry, MergedPath } from '../model.ts';
import { pathKey, type CapturedFile } from './capture.ts';
import { canonicalPath, MergedTree, type Walk } from './merged-tree.ts';

export interface LayerFiles {
  entries: readonly LayerEntry[];
  files: ReadonlyMap<string, CapturedFile>;
}

export interface FileRequest {
  asked: readonly string[]; // canonical absolute paths (wantedPath)
  wanted: ReadonlySet<string>; // what this read captured: the asked paths plus link targets found earlier
  maxSymlinkHops: number;
  maxCapturedBytes: number;
}

/** Said when a link's target was not captured, and reading the source again was not possible or did not help. */
export const NEEDS_ANOTHER_READ =
  'it is a link, and its target needs a second read of the source, which can be read only once (or changed between reads)';

/** An asked path made canonical and absolute; '..' stops at the root. */
export function wantedPath(path: string): string {
  return canonicalPath(path);
}

const KIND_WORDS: Record<EntryKind, string> = {
  file: 'a regular file',
  dir: 'a directory',
  symlink: 'a symlink',
  hardlink: 'a hardlink',
  char: 'a character device',
  block: 'a block device',
  fifo: 'a named pipe',
  whiteout: 'a whiteout marker',
  opaque: 'an opaque-directory marker',
};

export function readWantedFiles(
  request: FileRequest,
  layers: readonly LayerFiles[],
  merged: readonly MergedPath[],
): { files: ImageFile[]; needs: Set<string> } {
  const tree = new MergedTree(
    merged,
    layers.map((l) => l.entries),
    request.maxSymlinkHops,
  );
  const needs = new Set<string>();
  const files = request.asked.map((path) => readOne(path, tree, layers, request, needs));
  return { files, needs };
}

function readOne(
  path: string,
  tree: MergedTree,
  layers: readonly LayerFiles[],
  request: FileRequest,
  needs: Set<string>,
): ImageFile {
  const here = tree.walk(path, false);
  if (!here.found) {
    const file: ImageFile = { path, found: false, kind: null, layer: -1, size: 0, truncated: false };
    if (here.why === 'symlink-loop') file.noContent = loopWords(request);
    return file;
  }
  const { kind, layer, size } = here.node.path;
  const file: ImageFile = { path, found: true, kind, layer, size, truncated: false };
  if (kind === 'symlink' || kind === 'hardlink') file.linkTarget = tree.linkTarget(here.node.key, layer);
  const target = kind === 'symlink' ? tree.walk(path, true) : here;
  if (!target.found) {
    file.noContent =
      target.why === 'symlink-loop'
        ? loopWords(request)
        : `it is a symlink to ${file.linkTarget}, which is not in the image`;
    return file;
  }
  const source = contentSource(target, tree, layers, request, kind === 'symlink' ? 'it leads to' : 'it is');
  if ('noContent' in source) {
    file.noContent = source.noContent;
    return file;
  }
  if (source.need !== undefined) {
    needs.add(source.need);
    file.noContent = NEEDS_ANOTHER_READ;
    return file;
  }
  const { captured, key } = source;
  if (key !== here.node.key) file.contentPath = key;
  if (captured.dropped) {
    file.noContent = `its content was not kept: wanted files exceed ${request.maxCapturedBytes} bytes across the layers`;
  } else if (captured.entry.sparse) {
    file.noContent = 'it is a GNU sparse file, whose stored bytes are not its content';
  } else if (captured.content) {
    file.content = captured.content;
    file.truncated = captured.truncated;
  } else {
    file.noContent = `it leads to ${KIND_WORDS[captured.entry.kind]}`;
  }
  return file;
}

/** The copy that holds the content; or the path this read did not capture but must (`need`); or why there is none. */
type Source = { noContent: string } | { need: string } | { need?: undefined; captured: CapturedFile; key: string };

/**
 * Where the content of a found path lives: its own layer's copy, or, for a hardlink, that layer's copy of the
 * target. `lead` starts the reason when there is none: "it is" a directory, or "it leads to" one.
 */
function contentSource(
  at: Walk & { found: true },
  tree: MergedTree,
  layers: readonly LayerFiles[],
  request: FileRequest,
  lead: string,
): Source {
  const { key, path } = at.node;
  if (path.kind === 'hardlink') {
    const linked = pathKey(canonicalPath(tree.linkTarget(key, path.layer)));
    if (!request.wanted.has(linked)) return { need: linked };
    const captured = layers[path.layer]?.files.get(linked);
    if (!captured) return { noContent: `it is a hardlink to ${linked}, which its layer does not hold` };
    return { captured, key: linked };
  }
  if (path.kind !== 'file') return { noContent: `${lead} ${KIND_WORDS[path.kind]}` };
  if (!request.wanted.has(key)) return { need: key };
  const captured = layers[path.layer]?.files.get(key);
  // Unreachable while merge and capture agree on "the last entry of a layer wins"; said plainly if not.
  if (!captured) return { noContent: `layer ${path.layer} lists ${key} but its content was not captured` };
  return { captured, key };
}

function loopWords(request: FileRequest): string {
  return `it leads through more than ${request.maxSymlinkHops} symlinks (a loop?)`;
}
