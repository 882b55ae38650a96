// Small helpers over markdown-it tokens and markdown text, shared by the section builder.
import { leadingActionMark } from './actions.ts';
import type { Token } from './parser.ts';

/** The index of the token that closes the block opened at `i` (or `i` for a self-contained token). */
export function closingIndex(tokens: readonly Token[], i: number): number {
  const open = tokens[i];
  if (!open || open.nesting !== 1) return i;
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    depth += tokens[j]?.nesting ?? 0;
    if (depth === 0) return j;
  }
  return tokens.length - 1;
}

/** The line range of an inline token: its own map, else the nearest block before it that has one. */
export function enclosingMap(tokens: readonly Token[], i: number, floor: number): [number, number] | null {
  for (let j = i; j >= floor; j--) {
    const map = tokens[j]?.map;
    if (map) return [map[0], map[1]];
  }
  return null;
}

export function fenceLanguage(token: Token): string {
  return (token.info.trim().split(/\s+/)[0] ?? '').toLowerCase();
}

export function headingText(inline: Token | undefined): string {
  const parts = (inline?.children ?? []).map((c) =>
    c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' ? ' ' : '',
  );
  return stripActionMarks(parts.join('')).replace(/\s+/g, ' ').trim();
}

/** Removes action marks (not placeholders or shortcodes) from text that could not be aligned span by span. */
export function stripActionMarks(text: string): string {
  return text.replace(/\{\{([^{}\n]*)\}\}/g, (whole, _inner: string, offset: number) =>
    leadingActionMark(text.slice(offset)) ? '' : whole,
  );
}

export function stripFinalNewline(content: string): string {
  return content.endsWith('\n') ? content.slice(0, -1) : content;
}

export function countNewlines(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '\n') n++;
  return n;
}
