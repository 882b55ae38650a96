// Inline code spans followed by an action mark (`cmd`{{exec}}), found in raw markdown text with CommonMark's
// backtick-run rule, so the same spans are found in a block's inline content and in its source lines.
import { leadingActionMark } from './actions.ts';
import type { ActionMark } from './actions.ts';

export interface MarkedSpan {
  start: number; // offset of the opening backticks
  end: number; // offset just after the mark
  raw: string; // the code span as written, backticks included
  command: string; // its content as typed (see markedSpanCommand)
  mark: ActionMark;
  /** The span is the text of a link (`[`cmd`{{copy}}](url)`): it cannot become a link itself. */
  inLink: boolean;
}

export function markedSpans(text: string): MarkedSpan[] {
  const spans: MarkedSpan[] = [];
  const closers = new BacktickRuns(text);
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
    const close = closers.next(open, i + open);
    if (close === -1) {
      i += open; // an unmatched run is literal backticks
      continue;
    }
    const spanEnd = close + open;
    const action = leadingActionMark(text.slice(spanEnd, spanEnd + MAX_MARK_LENGTH));
    if (action) {
      const end = spanEnd + action.length;
      spans.push({
        start: i,
        end,
        raw: text.slice(i, spanEnd),
        command: markedSpanCommand(text.slice(i + open, close)),
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

/** An action mark is a few words: `{{execute T2 interrupt no-newline}}`. Looking further is never needed. */
const MAX_MARK_LENGTH = 200;

function runLength(text: string, at: number): number {
  let n = 0;
  while (text[at + n] === '`') n++;
  return n;
}

/**
 * The backtick runs of a text, by length, so "the next run of exactly n backticks after p" is found without
 * rescanning the text for every opener (a line of ever-longer runs would otherwise cost quadratic time).
 */
class BacktickRuns {
  private readonly byLength = new Map<number, number[]>();
  private readonly cursor = new Map<number, number>();

  constructor(text: string) {
    for (let i = 0; i < text.length;) {
      if (text[i] !== '`') {
        i++;
        continue;
      }
      const n = runLength(text, i);
      const list = this.byLength.get(n);
      if (list) list.push(i);
      else this.byLength.set(n, [i]);
      i += n;
    }
  }

  /** The first run of exactly `length` backticks starting at or after `from`, or -1. Callers ask with rising `from`. */
  next(length: number, from: number): number {
    const list = this.byLength.get(length);
    if (!list) return -1;
    let k = this.cursor.get(length) ?? 0;
    while (k < list.length && (list[k] ?? Infinity) < from) k++;
    this.cursor.set(length, k);
    return list[k] ?? -1;
  }
}

/**
 * A marked span's command. Katacoda typed a marked span as written, so its newlines are kept (line continuations,
 * several commands, heredocs); only blank lines at either end are trimmed. A one-line span is normalised as
 * CommonMark does, so `` `x` `` and ``` `` `x` `` ``` read the same.
 */
export function markedSpanCommand(content: string): string {
  if (!content.includes('\n')) return normaliseCodeSpan(content);
  const lines = content.split('\n');
  while (lines.length > 1 && (lines[0] ?? '').trim() === '') lines.shift();
  while (lines.length > 1 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  return lines.length === 1 ? normaliseCodeSpan(lines[0] ?? '') : lines.join('\n');
}

/** CommonMark code span content: line endings become spaces; one space is stripped from each side if both have one. */
export function normaliseCodeSpan(content: string): string {
  const oneLine = content.replace(/\n/g, ' ');
  if (oneLine.length >= 2 && oneLine.startsWith(' ') && oneLine.endsWith(' ') && oneLine.trim() !== '') {
    return oneLine.slice(1, -1);
  }
  return oneLine;
}
