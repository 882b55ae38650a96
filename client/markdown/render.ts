// Lesson markdown → a DOM fragment. markdown-it renders (HTML allowed, as lessons carry some), then DOMPurify
// sanitises the result into a fragment, so no lesson can run script: event handler attributes, <script>,
// javascript: and data: links are removed. Afterwards links are checked once more against a scheme allow-list,
// external links open in a new tab without an opener, relative images load through the lesson-asset API, and
// port paths become links.
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';
import { resolvePortPlaceholders, splitPortLinks } from './placeholders.ts';

const md = new MarkdownIt({ html: true, linkify: true, typographer: true });

/** Link schemes a lesson may use. Anything else (javascript:, data:, vbscript:, file:) loses its href. */
const SAFE_LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
/** Markup a lesson never needs and that could restyle or impersonate the app around it. */
const FORBIDDEN_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'dialog'];

export interface RenderContext {
  lessonId: string;
}

export function renderMarkdown(markdown: string, ctx: RenderContext): DocumentFragment {
  const html = md.render(resolvePortPlaceholders(markdown));
  const fragment = DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS: FORBIDDEN_TAGS,
    FORBID_ATTR: ['style'],
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
