// Lesson markdown → a DOM fragment. markdown-it renders (HTML allowed, as lessons carry some), then DOMPurify
// sanitises the result into a fragment, so no lesson can run script: event handler attributes, <script>,
// javascript: and data: links are removed. Classes, ids and names from the lesson are moved into a namespace of
// their own (lesson-names.ts), so lesson HTML can neither wear the app's styles nor clobber globals. Afterwards
// links are checked once more against a scheme allow-list, external links open in a new tab without an opener,
// relative images load through the lesson-asset API, and port paths become links.
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';
import { lessonAttributeValue } from './lesson-names.ts';
import { resolvePortPlaceholders, splitPortLinks } from './placeholders.ts';

const md = new MarkdownIt({ html: true, linkify: true, typographer: true });

/** Cells written inside prose (server/lesson/model.ts): a fence whose info string says `cell=ID` becomes a slot
 *  the page fills with that cell; an inline one arrives as a link to `#cell/ID`, found by `cellSlots`. */
const CELL_INFO = /(?:^|\s)cell=(\S+)/;
const defaultFence = md.renderer.rules.fence!;
md.renderer.rules.fence = (tokens, idx, options, env, self) => {
  const id = CELL_INFO.exec(tokens[idx]!.info)?.[1];
  if (id === undefined) return defaultFence(tokens, idx, options, env, self);
  return `<div data-cell-slot="${md.utils.escapeHtml(id)}"></div>\n`;
};
const INLINE_CELL_HREF = '#cell/';

export interface CellSlot {
  id: string;
  element: HTMLElement; // replace this with the cell
  inline: boolean;
}

/** The places in rendered prose where cells go, in document order. */
export function cellSlots(root: ParentNode): CellSlot[] {
  const slots: CellSlot[] = [];
  for (const el of root.querySelectorAll<HTMLElement>(`[data-cell-slot], a[href^="${INLINE_CELL_HREF}"]`)) {
    const fenced = el.dataset['cellSlot'];
    if (fenced !== undefined) slots.push({ id: fenced, element: el, inline: false });
    else
      slots.push({
        id: decodeURIComponent((el.getAttribute('href') ?? '').slice(INLINE_CELL_HREF.length)),
        element: el,
        inline: true,
      });
  }
  return slots;
}

/** Link schemes a lesson may use. Anything else (javascript:, data:, vbscript:, file:) loses its href. */
const SAFE_LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
/** Markup a lesson never needs and that could restyle or impersonate the app around it. */
const FORBIDDEN_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'dialog'];

/** A sanitiser of our own, so its hook applies to lesson markup only. The cell slots the fence renderer writes
 *  are `data-cell-slot` attributes, and inline cells are `#cell/ID` links: neither is renamed. */
const purify = DOMPurify(window);
purify.addHook('uponSanitizeAttribute', (_node, data) => {
  data.attrValue = lessonAttributeValue(data.attrName, data.attrValue);
});

export interface RenderContext {
  lessonId: string;
}

export function renderMarkdown(markdown: string, ctx: RenderContext): DocumentFragment {
  const html = md.render(resolvePortPlaceholders(markdown));
  const fragment = purify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: FORBIDDEN_TAGS,
    FORBID_ATTR: ['style'],
    SANITIZE_NAMED_PROPS: true, // every id and name gets the lesson prefix (lesson-names.ts)
  });
  for (const a of fragment.querySelectorAll('a')) fixLink(a);
  for (const img of fragment.querySelectorAll('img')) fixImage(img, ctx);
  linkPortPaths(fragment);
  return fragment;
}

function fixLink(a: HTMLAnchorElement): void {
  const raw = a.getAttribute('href');
  if (raw === null) return;
  let url: URL;
  try {
    url = new URL(raw, document.baseURI);
  } catch (e: unknown) {
    if (!(e instanceof TypeError)) throw e;
    a.removeAttribute('href'); // not a URL at all: keep the text, drop the link
    return;
  }
  if (!SAFE_LINK_PROTOCOLS.has(url.protocol)) {
    a.removeAttribute('href');
    return;
  }
  if (url.origin !== location.origin || url.pathname.startsWith('/port/')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
}

function fixImage(img: HTMLImageElement, ctx: RenderContext): void {
  const src = img.getAttribute('src') ?? '';
  img.loading = 'lazy';
  if (src === '' || /^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/')) return; // absolute: CSP decides
  const path = src.replace(/^\.\//, '');
  img.src = `/api/lesson-asset?id=${encodeURIComponent(ctx.lessonId)}&path=${encodeURIComponent(path)}`;
}

/** Turns `/port/N/...` in text (outside links and code) into links. */
function linkPortPaths(root: DocumentFragment): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n as Text;
    if (t.data.includes('/port/') && !t.parentElement?.closest('a, code, pre')) found.push(t);
  }
  for (const t of found) {
    const pieces = splitPortLinks(t.data);
    if (pieces.length === 1 && typeof pieces[0] === 'string') continue;
    const nodes = pieces.map((p) => {
      if (typeof p === 'string') return document.createTextNode(p);
      const a = document.createElement('a');
      a.href = p.href;
      a.textContent = p.text;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return a;
    });
    t.replaceWith(...nodes);
  }
}
