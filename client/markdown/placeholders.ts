// Katacoda/Killercoda port placeholders become links to `/port/N/` on this server (DESIGN.md "Lessons"), where a
// proxy will later answer. The lesson loader rewrites them already; this catches any a lesson still carries, and
// finds `/port/N/` in prose text so it can be made a link. Pure: unit-tested under node.

/** `https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/path` (any case, http or https). */
const KATACODA_URL =
  /https?:\/\/\[\[HOST_SUBDOMAIN\]\]-(\d{1,5})-\[\[KATACODA_HOST\]\]\.environments\.katacoda\.com\/?([^\s)"'<>\]]*)/gi;
/** Killercoda's `{{TRAFFIC_HOST1_80}}`, optionally followed by a path. */
const TRAFFIC_HOST = /\{\{TRAFFIC_HOST\d+_(\d{1,5})\}\}\/?([^\s)"'<>\]]*)/g;

export function portHref(port: string, rest: string): string {
  return `/port/${Number(port)}/${rest}`;
}

export function resolvePortPlaceholders(markdown: string): string {
  return markdown
    .replace(KATACODA_URL, (_m, port: string, rest: string) => portHref(port, rest))
    .replace(TRAFFIC_HOST, (_m, port: string, rest: string) => portHref(port, rest));
}

export type TextPiece = string | { href: string; text: string };

/** `/port/N/...` in running text. The path part stops at whitespace and closing punctuation. */
const PORT_PATH = /\/port\/\d{1,5}\/[^\s)"'<>\]]*/g;

/** Splits text into plain pieces and port links, in order; a text with no port path is one piece. */
export function splitPortLinks(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const m of text.matchAll(PORT_PATH)) {
    let link = m[0];
    // A sentence ending right after the link keeps its full stop or comma outside the link.
    const trailing = /[.,;:!?]+$/.exec(link)?.[0] ?? '';
    link = link.slice(0, link.length - trailing.length);
    if (m.index > last) pieces.push(text.slice(last, m.index));
    pieces.push({ href: link, text: link });
    last = m.index + link.length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  return pieces;
}
