// One markdown-it configuration for reading lesson structure. HTML is recognised (as Katacoda renders it) so a
// <details> block is one token; rendering and sanitising happen in the client.
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

const parser = new MarkdownIt({ html: true, linkify: false });

export type { Token };

export function tokenize(lines: readonly string[]): Token[] {
  return parser.parse(lines.join('\n'), {});
}
