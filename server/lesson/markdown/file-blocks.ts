// Katacoda's copy-to-editor blocks: <pre class="file" data-filename="app.js" data-target="replace">TEXT</pre>.
// data-target is clipboard (copy the text), replace (the editor's file becomes the text), append, or insert
// (at data-marker). The text is HTML: entities are decoded, and the newline right after <pre> is not part of it.
import { decodeHTML } from 'entities';

export interface FileBlock {
  filename?: string;
  target?: string; // lower-cased
  marker?: string;
  text: string;
}

const PRE_FILE_OPEN = /^\s{0,3}<pre\b([^>]*)>/i;
const PRE_CLOSE = /<\/pre\s*>/i;
const ATTRIBUTE = /([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g;

/** The copy-to-editor block an HTML block holds, or null when it is any other HTML. */
export function parseFileBlock(html: string): FileBlock | null {
  const open = PRE_FILE_OPEN.exec(html);
  if (!open) return null;
  const attributes = new Map<string, string>();
  for (const m of (open[1] ?? '').matchAll(ATTRIBUTE)) {
    attributes.set((m[1] ?? '').toLowerCase(), decodeHTML(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  const classes = (attributes.get('class') ?? '').split(/\s+/);
  if (!classes.includes('file')) return null;
  const rest = html.slice(open[0].length);
  const close = PRE_CLOSE.exec(rest);
  const body = close ? rest.slice(0, close.index) : rest;
  const block: FileBlock = { text: decodeHTML(body.replace(/^\r?\n/, '')) };
  const filename = attributes.get('data-filename');
  const target = attributes.get('data-target');
  const marker = attributes.get('data-marker');
  if (filename !== undefined) block.filename = filename;
  if (target !== undefined) block.target = target.toLowerCase();
  if (marker !== undefined) block.marker = marker;
  return block;
}
