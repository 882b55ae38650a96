// Inline code spans followed by an action mark (`cmd`{{exec}}), found in raw markdown text with CommonMark's
// backtick-run rule, so the same spans are found in a block's inline content and in its source lines.
import { leadingActionMark } from './actions.ts';
import type { ActionMark } from './actions.ts';

export interface MarkedSpan {
  start: number; // offset of the opening backticks
  end: number; // offset just after the mark
  raw: string; // the code span as written, backticks included
  command: string; // its content, normalised as CommonMark does
  mark: ActionMark;
  /** The span is the text of a link (`[`cmd`{{copy}}](url)`): it cannot become a link itself. */
  inLink: boolean;
}

export function markedSpans(text: string): MarkedSpan[] {
  const spans: MarkedSpan[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      i += 2; // a backslash-escaped backtick does not open a span
      continue;
    }
    if (ch !== '`') {
      i++;
      continue;
    }
    const open = runLength(text, i);
    const close = findRun(text, i + open, open);
    if (close === -1) {
      i += open; // an unmatched run is literal backticks
      continue;
    }
    const spanEnd = close + open;
    const action = leadingActionMark(text.slice(spanEnd));
    if (action) {
      const end = spanEnd + action.length;
      spans.push({
        start: i,
        end,
        raw: text.slice(i, spanEnd),
        command: normaliseCodeSpan(text.slice(i + open, close)),
        mark: action.mark,
        inLink: text.startsWith('](', end),
      });
      i = end;
    } else {
      i = spanEnd;
    }
  }
  return spans;
}

function runLength(text: string, at: number): number {
  let n = 0;
  while (text[at + n] === '`') n++;
  return n;
}

/** The next run of exactly `length` backticks at or after `from`, or -1. */
function findRun(text: string, from: number, length: number): number {
  let j = from;
  while (j < text.length) {
    if (text[j] !== '`') {
      j++;
      continue;
    }
    const n = runLength(text, j);
    if (n === length) return j;
    j += n;
  }
  return -1;
}

/** CommonMark code span content: line endings become spaces; one space is stripped from each side if both have one. */
export function normaliseCodeSpan(content: string): string {
  const oneLine = content.replace(/\n/g, ' ');
  if (oneLine.length >= 2 && oneLine.startsWith(' ') && oneLine.endsWith(' ') && oneLine.trim() !== '') {
    return oneLine.slice(1, -1);
  }
  return oneLine;
}
