// Line-preserving rewrites before markdown-it sees a text. Line i of the output is line i of the input, so token
// maps stay true file lines.
//  - A closing fence with an action mark (```{{exec}}) is not a closing fence to CommonMark: the mark is cut off
//    and remembered by line, so the fence closes and the cell gets its mark. Text after the mark ("```{{exec}}.")
//    is cut off too and reported: the fence still closes.
//  - A marked fence line while no fence is open would open one and eat the page: it is blanked and reported.
//  - Inside an HTML block that keeps its text as written (<pre>, <script>, <style>, <textarea>), nothing is
//    touched: such a block documents the syntax, and the learner sees it as written.
//  - kramdown's `{:toc}` and the one-item list before it (`* content`) are blanked: they are page furniture.
import { parseActionMark } from './actions.ts';
import type { ActionMark } from './actions.ts';

export interface Preprocessed {
  lines: string[];
  /** Action marks cut from closing fence lines, by 0-based line index. */
  fenceMarks: Map<number, ActionMark>;
  /** Text that followed a closing fence's mark and was cut off, by 0-based line index. */
  trailingText: Map<number, string>;
  /** 0-based lines of marked fence lines that no open fence preceded: blanked. */
  strayMarks: number[];
}

/** A fence line: container prefix (indent, quote marks), the fence run, the rest of the line. */
const FENCE_LINE = /^(\s*(?:>\s?)*)(`{3,}|~{3,})(.*)$/;
/** The rest of a fence line that starts with an action mark: the mark's words, then anything after it. */
const LEADING_MARK = /^[ \t]*\{\{([^{}\n]*)\}\}(.*)$/;
const KRAMDOWN_TOC = /^\s*\{:\s*toc\s*\}\s*$/;
const ONE_ITEM_LIST = /^\s*(?:[*+-]|\d+[.)])\s+\S/;
/** CommonMark's HTML block type 1: it ends at the line holding the matching end tag, blank lines included. */
const RAW_HTML_OPEN = /^\s{0,3}<(pre|script|style|textarea)(?=[\s>]|$)/i;

interface OpenFence {
  char: string;
  length: number;
}

export function preprocess(input: readonly string[]): Preprocessed {
  const lines = [...input];
  const out: Preprocessed = { lines, fenceMarks: new Map(), trailingText: new Map(), strayMarks: [] };
  let fence: OpenFence | null = null;
  let rawHtmlEnd: RegExp | null = null;
  for (const [i, line] of lines.entries()) {
    if (rawHtmlEnd) {
      if (rawHtmlEnd.test(line)) rawHtmlEnd = null;
      continue;
    }
    const fenceLine = FENCE_LINE.exec(line);
    if (fenceLine) {
      fence = fenceTransition(fenceLine, fence, i, out);
      continue;
    }
    if (fence) continue;
    const raw = RAW_HTML_OPEN.exec(line);
    if (raw?.[1]) {
      const end = new RegExp(`</${raw[1]}>`, 'i');
      if (!end.test(line.slice(raw[0].length))) rawHtmlEnd = end;
      continue;
    }
    if (KRAMDOWN_TOC.test(line)) {
      lines[i] = '';
      const prev = previousNonBlank(lines, i);
      if (prev !== -1 && ONE_ITEM_LIST.test(lines[prev] ?? '')) lines[prev] = '';
    }
  }
  return out;
}

/** One fence line: opens, closes (with or without a mark), or is content. Returns the fence open after it. */
function fenceTransition(
  match: RegExpExecArray,
  fence: OpenFence | null,
  i: number,
  out: Preprocessed,
): OpenFence | null {
  const [, prefix = '', run = '', rest = ''] = match;
  const marked = LEADING_MARK.exec(rest);
  const mark = marked?.[1] !== undefined ? parseActionMark(marked[1]) : null;
  if (fence === null) {
    if (mark) {
      out.lines[i] = '';
      out.strayMarks.push(i);
      return null;
    }
    return { char: run[0] ?? '`', length: run.length };
  }
  const closes = run[0] === fence.char && run.length >= fence.length;
  if (!closes) return fence;
  if (rest.trim() === '') return null;
  if (!mark) return fence; // "```text" inside a fence is content, as in CommonMark
  out.lines[i] = prefix + run;
  out.fenceMarks.set(i, mark);
  const trailing = (marked?.[2] ?? '').trim();
  if (trailing !== '') out.trailingText.set(i, trailing);
  return null;
}

function previousNonBlank(lines: readonly string[], from: number): number {
  for (let j = from - 1; j >= 0; j--) if ((lines[j] ?? '').trim() !== '') return j;
  return -1;
}
