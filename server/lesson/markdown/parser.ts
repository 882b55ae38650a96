// One markdown-it configuration for reading lesson structure. HTML is recognised (as Katacoda renders it) so a
// <details> block is one token; rendering and sanitising happen in the client.
//
// One refinement: a line made only of inline tags (a lone `<br>`) starts a paragraph, as Katacoda's renderer
// treated it, not an HTML block. CommonMark's HTML block would run to the next blank line and swallow a fence
// right after it, losing the cell.
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

type StateBlock = Parameters<MarkdownIt['block']['tokenize']>[0];

/** Tags Katacoda's renderer kept inside a paragraph. */
const INLINE_TAG_LINE = /^(?:\s*<\/?(?:br|span|img|a|b|i|kbd)\b[^<>]*>)+\s*$/i;

const parser = new MarkdownIt({ html: true, linkify: false });
parser.block.ruler.before('html_block', 'inline_tag_line', inlineTagLine);

export type { Token };

export function tokenize(lines: readonly string[]): Token[] {
  return parser.parse(lines.join('\n'), {});
}

/** A paragraph that opens with a line of inline tags; it ends where any paragraph would (see paragraph.mjs). */
function inlineTagLine(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const indent = (line: number): number => state.sCount[line] ?? 0;
  if (indent(startLine) - state.blkIndent > 3) return false;
  const first = state.src.slice(
    (state.bMarks[startLine] ?? 0) + (state.tShift[startLine] ?? 0),
    state.eMarks[startLine],
  );
  if (!INLINE_TAG_LINE.test(first)) return false;
  // Never a terminator: inside another paragraph the line is already inline text.
  if (silent) return false;
  const terminators = state.md.block.ruler.getRules('paragraph');
  let next = startLine + 1;
  for (; next < endLine && !state.isEmpty(next); next++) {
    if (indent(next) - state.blkIndent > 3 || indent(next) < 0) continue;
    if (terminators.some((rule) => rule(state, next, endLine, true))) break;
  }
  const content = state.getLines(startLine, next, state.blkIndent, false).trim();
  state.line = next;
  const open = state.push('paragraph_open', 'p', 1);
  open.map = [startLine, state.line];
  const inline = state.push('inline', '', 0);
  inline.content = content;
  inline.map = [startLine, state.line];
  inline.children = [];
  state.push('paragraph_close', 'p', -1);
  return true;
}
