// Line-preserving rewrites before markdown-it sees a text. Line i of the output is line i of the input, so token
// maps stay true file lines.
//  - A closing fence with an action mark (```{{exec}}) is not a closing fence to CommonMark: the mark is cut off
//    and remembered by line, so the fence closes and the cell gets its mark.
//  - kramdown's `{:toc}` and the one-item list before it (`* content`) are blanked: they are page furniture.
import { parseActionMark } from './actions.ts';
import type { ActionMark } from './actions.ts';

export interface Preprocessed {
  lines: string[];
  /** Action marks cut from closing fence lines, by 0-based line index. */
  fenceMarks: Map<number, ActionMark>;
}

const FENCE_WITH_MARK = /^(\s*(?:>\s?)*(?:`{3,}|~{3,}))[ \t]*\{\{([^{}\n]*)\}\}[ \t]*$/;
const KRAMDOWN_TOC = /^\s*\{:\s*toc\s*\}\s*$/;
const ONE_ITEM_LIST = /^\s*(?:[*+-]|\d+[.)])\s+\S/;

export function preprocess(input: readonly string[]): Preprocessed {
  const lines = [...input];
  const fenceMarks = new Map<number, ActionMark>();
  for (const [i, line] of lines.entries()) {
    const fence = FENCE_WITH_MARK.exec(line);
    if (fence && fence[1] !== undefined && fence[2] !== undefined) {
      const mark = parseActionMark(fence[2]);
      if (mark) {
        lines[i] = fence[1];
        fenceMarks.set(i, mark);
      }
      continue;
    }
    if (KRAMDOWN_TOC.test(line)) {
      lines[i] = '';
      const prev = previousNonBlank(lines, i);
      if (prev !== -1 && ONE_ITEM_LIST.test(lines[prev] ?? '')) lines[prev] = '';
    }
  }
  return { lines, fenceMarks };
}

function previousNonBlank(lines: readonly string[], from: number): number {
  for (let j = from - 1; j >= 0; j--) if ((lines[j] ?? '').trim() !== '') return j;
  return -1;
}
