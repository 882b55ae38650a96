// From markdown tokens to sections of blocks: the one place that decides what is a cell, a check, a hint or prose.
// Both loaders use it: native lessons split steps at `## `; a Katacoda page is one section.
//
// Invariants:
//  - Prose is the source text itself, sliced by token line maps, so what the learner reads is what was written
//    (less dropped kramdown lines and action marks).
//  - A cell at the top level of a section is its own block. A cell nested in other markdown (a fence in a list
//    item, an inline `cmd`{{exec}} in a sentence) stays in its prose block, which lists it in `cells` and marks
//    its place (see Block in model.ts).
import { parseCheckList } from '../check-schema.ts';
import { learnerPath } from '../learner-path.ts';
import type { Block, Cell, CellKind, CheckSpec, FileTarget, SourceRef } from '../model.ts';
import type { ProblemList } from '../problems.ts';
import type { ActionMark } from './actions.ts';
import { leadingActionMark } from './actions.ts';
import { markedSpans } from './code-spans.ts';
import { parseFileBlock } from './file-blocks.ts';
import type { MarkedSpan } from './code-spans.ts';
import { tokenize } from './parser.ts';
import type { Token } from './parser.ts';
import { preprocess } from './preprocess.ts';
import {
  closingIndex,
  countNewlines,
  enclosingMap,
  fenceLanguage,
  headingText,
  stripActionMarks,
  stripFinalNewline,
} from './token-text.ts';

/** Fence languages whose blocks are runnable cells in native lessons. `console` is a transcript (prompts and
 *  output), so it stays prose. */
export const SHELL_LANGUAGES: ReadonlySet<string> = new Set(['bash', 'sh', 'shell']);

export interface BuildOptions {
  file: string;
  /** 0-based index in the file of the first line given. */
  lineOffset: number;
  /** Native rules: shell fences and one-code-span paragraphs are cells; check/hint/solution fences belong to the step. */
  native: boolean;
  /** No cells at all come from this text (a notebook's markdown cell: its code cells are the cells). */
  proseOnly?: boolean;
  /** `## ` headings start sections. */
  splitSteps: boolean;
  /** Which heading, if any, is taken out of the text as a title: a leading `# ` (lesson title) or any leading heading. */
  takeTitle: 'lesson-h1' | 'first-heading' | 'none';
  /** Cell id prefix for the section at this index (0 = the text before the first step heading): "s1". */
  cellPrefix: (sectionIndex: number) => string;
}

export interface Section {
  title?: string;
  source: SourceRef;
  blocks: Block[];
  checks: CheckSpec[];
  hints: string[];
  solution?: string;
}

export interface BuiltMarkdown {
  title?: { text: string; source: SourceRef };
  /** sections[0] holds what precedes the first step heading (empty when nothing does). */
  sections: Section[];
}

export function buildSections(
  sourceLines: readonly string[],
  opts: BuildOptions,
  problems: ProblemList,
): BuiltMarkdown {
  const { lines, fenceMarks, trailingText, strayMarks } = preprocess(sourceLines);
  const at = (line: number): SourceRef => ({ file: opts.file, line: opts.lineOffset + line + 1 });
  for (const line of strayMarks) {
    problems.warning(
      at(line),
      'a marked fence line with no open code block before it: ignored, so it cannot swallow the text after it',
    );
  }
  for (const [line, text] of trailingText) {
    problems.warning(at(line), `text after the closing fence's action mark is dropped: '${text}'`);
  }
  const builder = new SectionBuilder(lines, fenceMarks, opts, problems);
  builder.run(tokenize(lines));
  return builder.result();
}

interface ProseRun {
  start: number; // 0-based line index, inclusive
  end: number; // exclusive
  cells: Cell[];
}

interface CellFields {
  command: string;
  kind: CellKind;
  terminal: number;
  host?: number;
  noNewline?: boolean;
  runnable: boolean;
  expectExit: number;
  file?: FileTarget;
}

/** Copy-to-editor data-target values and what a file cell does for each. */
const FILE_BLOCK_MODES: Readonly<Record<string, FileTarget['mode']>> = {
  replace: 'replace',
  append: 'append',
  clipboard: 'replace',
};

class SectionBuilder {
  private readonly sections: Section[] = [];
  private current: Section;
  private cellCount = 0;
  private prose: ProseRun | null = null;
  private title: BuiltMarkdown['title'];
  private readonly usedMarks = new Set<number>();

  constructor(
    private readonly lines: string[],
    private readonly fenceMarks: Map<number, ActionMark>,
    private readonly opts: BuildOptions,
    private readonly problems: ProblemList,
  ) {
    this.current = this.newSection(undefined, 0);
  }

  result(): BuiltMarkdown {
    this.flushProse();
    for (const [line] of this.fenceMarks) {
      if (!this.usedMarks.has(line)) {
        this.problems.warning(this.ref(line), 'this action mark does not close a code block, so it does nothing');
      }
    }
    return this.title ? { title: this.title, sections: this.sections } : { sections: this.sections };
  }

  run(tokens: Token[]): void {
    let i = 0;
    while (i < tokens.length) {
      const token = tokens[i];
      if (!token) break;
      const end = closingIndex(tokens, i);
      if (token.type === 'heading_open' && this.heading(token, tokens[i + 1])) {
        i = end + 1;
        continue;
      }
      if (token.type === 'fence' && this.topLevelFence(token)) {
        i = end + 1;
        continue;
      }
      if (token.type === 'html_block' && this.fileBlock(token)) {
        i = end + 1;
        continue;
      }
      if (token.type === 'paragraph_open' && this.codeParagraph(token, tokens[i + 1])) {
        i = end + 1;
        continue;
      }
      this.addProse(tokens, i, end);
      i = end + 1;
    }
  }

  // ---- sections and titles

  private newSection(title: string | undefined, line: number): Section {
    const section: Section = { source: this.ref(line), blocks: [], checks: [], hints: [] };
    if (title !== undefined) section.title = title;
    this.sections.push(section);
    this.cellCount = 0;
    return section;
  }

  private get sectionIsEmpty(): boolean {
    return this.current.blocks.length === 0 && this.prose === null;
  }

  /** Handles a heading that starts a step or is taken as a title; false leaves it to prose. */
  private heading(open: Token, inline: Token | undefined): boolean {
    const line = open.map?.[0] ?? 0;
    const text = headingText(inline);
    if (this.opts.splitSteps && open.tag === 'h2') {
      this.flushProse();
      this.current = this.newSection(text, line);
      return true;
    }
    const takeable =
      this.title === undefined &&
      this.sections.length === 1 &&
      this.sectionIsEmpty &&
      ((this.opts.takeTitle === 'lesson-h1' && open.tag === 'h1') || this.opts.takeTitle === 'first-heading');
    if (!takeable) return false;
    this.title = { text, source: this.ref(line) };
    return true;
  }

  // ---- fences

  /** A fence at the top level: a cell, or a check/hint/solution block. False leaves it to prose. */
  private topLevelFence(token: Token): boolean {
    const line = token.map?.[0] ?? 0;
    const lang = fenceLanguage(token);
    if (this.opts.native && (lang === 'check' || lang === 'hint' || lang === 'solution')) {
      this.flushProse();
      this.stepBlock(lang, token, line);
      return true;
    }
    const fields = this.fenceCellFields(token);
    if (!fields) return false;
    this.flushProse();
    this.current.blocks.push({ type: 'cell', cell: this.newCell(fields, line) });
    return true;
  }

  private stepBlock(lang: 'check' | 'hint' | 'solution', token: Token, line: number): void {
    const content = token.content.replace(/\n$/, '');
    if (lang === 'check') {
      const { checks, problems } = parseCheckList(content, { file: this.opts.file, line: this.fileLine(line) + 1 });
      this.current.checks.push(...checks);
      this.problems.addAll(problems);
    } else if (lang === 'hint') {
      this.current.hints.push(content);
    } else {
      this.current.solution = this.current.solution === undefined ? content : `${this.current.solution}\n\n${content}`;
    }
  }

  /** The cell a fence makes, from its closing action mark or (native) its shell language and info words. */
  private fenceCellFields(token: Token): CellFields | null {
    if (this.opts.proseOnly) return null;
    const mark = this.closingMark(token);
    if (mark) return mark.type === 'cell' ? this.markFields(stripFinalNewline(token.content), mark, token) : null;
    if (!this.opts.native || !SHELL_LANGUAGES.has(fenceLanguage(token))) return null;
    return this.infoWordFields(token);
  }

  private closingMark(token: Token): ActionMark | undefined {
    if (!token.map) return undefined;
    const closingLine = token.map[1] - 1;
    const mark = this.fenceMarks.get(closingLine);
    if (mark) this.usedMarks.add(closingLine);
    return mark;
  }

  /** Native info words after the language: T<n>, norun, expect-exit=N, interrupt. */
  private infoWordFields(token: Token): CellFields {
    const fields: CellFields = {
      command: stripFinalNewline(token.content),
      kind: 'exec',
      terminal: 1,
      runnable: true,
      expectExit: 0,
    };
    const at = this.ref(token.map?.[0] ?? 0);
    for (const word of token.info.trim().split(/\s+/).slice(1)) {
      const terminal = /^T(\d+)$/i.exec(word);
      const expect = /^expect-exit=(.*)$/.exec(word);
      if (terminal) fields.terminal = Number(terminal[1]);
      else if (word === 'norun') fields.runnable = false;
      else if (word === 'interrupt') fields.kind = 'interrupt';
      else if (expect) {
        const code = Number(expect[1]);
        if (/^\d+$/.test(expect[1] ?? '') && code <= 255) fields.expectExit = code;
        else this.problems.error(at, `expect-exit takes an exit code from 0 to 255, not '${expect[1] ?? ''}'`);
      } else this.problems.note(at, `info word '${word}' means nothing to stepwise and is ignored`);
    }
    return fields;
  }

  private markFields(
    command: string,
    mark: Extract<ActionMark, { type: 'cell' }>,
    token: Token | null,
    line?: number,
  ): CellFields {
    for (const word of mark.unknownWords) {
      this.problems.warning(
        this.ref(line ?? token?.map?.[0] ?? 0),
        `unknown action modifier '${word}' is ignored (known: T<n>, HOST<n>, interrupt, ctrl-seq, no-newline)`,
      );
    }
    if (mark.opensFile) return this.openFields(command, this.ref(line ?? token?.map?.[0] ?? 0));
    const fields: CellFields = {
      command,
      kind: mark.kind,
      terminal: mark.terminal,
      runnable: mark.runnable,
      expectExit: 0,
    };
    if (mark.host !== undefined) fields.host = mark.host;
    if (mark.noNewline) fields.noNewline = true;
    return fields;
  }

  // ---- file cells: `path`{{open}} and copy-to-editor blocks

  /** `path`{{open}}: a file cell that creates the file if it is missing; a path it cannot write is a copy cell. */
  private openFields(path: string, at: SourceRef): CellFields {
    const target = learnerPath(path);
    if (!target.ok) {
      this.problems.warning(at, `{{open}} ${target.reason}; the path is shown to copy`);
      return { command: path, kind: 'copy', terminal: 1, runnable: false, expectExit: 0 };
    }
    this.problems.note(
      at,
      `{{open}} opens '${target.path}' in Katacoda's editor: stepwise has no editor, so its button creates the file if it is missing, and the learner edits it in the terminal`,
    );
    return {
      command: '',
      kind: 'file',
      terminal: 1,
      runnable: true,
      expectExit: 0,
      file: { path: target.path, mode: 'open' },
    };
  }

  /** A top-level <pre class="file"> block becomes a file cell; false leaves any other HTML to prose. */
  private fileBlock(token: Token): boolean {
    if (this.opts.proseOnly) return false;
    const block = parseFileBlock(token.content);
    if (!block) return false;
    const line = token.map?.[0] ?? 0;
    const at = this.ref(line);
    const copy: CellFields = { command: block.text, kind: 'copy', terminal: 1, runnable: false, expectExit: 0 };
    let fields: CellFields = copy;
    const mode = FILE_BLOCK_MODES[block.target ?? 'clipboard'];
    const target = block.filename === undefined ? null : learnerPath(block.filename);
    if (target === null) {
      this.problems.warning(at, 'a copy-to-editor block without data-filename: shown as text to copy');
    } else if (!target.ok) {
      this.problems.warning(at, `copy-to-editor block: data-filename ${target.reason}; shown as text to copy`);
    } else if (mode === undefined) {
      const how =
        block.target === 'insert'
          ? `insert at data-marker '${block.marker ?? ''}'`
          : `data-target '${block.target ?? ''}'`;
      this.problems.warning(
        at,
        `copy-to-editor block for '${target.path}': ${how} is not supported, so its text is shown to copy`,
      );
    } else {
      if (block.target === undefined || block.target === 'clipboard') {
        this.problems.note(
          at,
          `copy-to-editor block for '${target.path}' copies to the clipboard in Katacoda: stepwise's button writes the file`,
        );
      }
      fields = {
        command: block.text,
        kind: 'file',
        terminal: 1,
        runnable: true,
        expectExit: 0,
        file: { path: target.path, mode },
      };
    }
    this.flushProse();
    this.current.blocks.push({ type: 'cell', cell: this.newCell(fields, line) });
    return true;
  }

  // ---- paragraphs that are one code span

  /** A top-level paragraph that is exactly one code span (native), or one code span with an action mark. */
  private codeParagraph(open: Token, inline: Token | undefined): boolean {
    if (this.opts.proseOnly) return false;
    const kids = (inline?.children ?? []).filter((c) => !(c.type === 'text' && c.content.trim() === ''));
    const [code, rest, ...more] = kids;
    if (!code || code.type !== 'code_inline' || more.length > 0) return false;
    const line = open.map?.[0] ?? 0;
    let fields: CellFields | null = null;
    if (rest === undefined) {
      if (!this.opts.native) return false;
      fields = { command: code.content, kind: 'exec', terminal: 1, runnable: true, expectExit: 0 };
    } else {
      const trailing = rest.type === 'text' ? rest.content.trim() : '';
      const action = leadingActionMark(trailing);
      if (!action || action.length !== trailing.length || action.mark.type !== 'cell') return false;
      const [span] = markedSpans(inline?.content ?? '');
      fields = this.markFields(span?.command ?? code.content, action.mark, open);
    }
    this.flushProse();
    this.current.blocks.push({ type: 'cell', cell: this.newCell(fields, line) });
    return true;
  }

  // ---- prose, with nested cells

  private addProse(tokens: Token[], from: number, to: number): void {
    const map = tokens[from]?.map;
    if (!map) return;
    const run: ProseRun = this.prose ?? { start: map[0], end: map[1], cells: [] };
    for (let i = from; i <= to; i++) {
      const token = tokens[i];
      if (!token) continue;
      if (token.type === 'fence' && token.level > 0) this.nestedFence(token, run);
      if (token.type === 'html_block' && token.level > 0 && parseFileBlock(token.content)) {
        this.problems.warning(
          this.ref(token.map?.[0] ?? 0),
          'a copy-to-editor block inside a list or quote is shown as written, without its button: put it at the top level',
        );
      }
      if (token.type === 'inline') this.inlineCells(token, run, enclosingMap(tokens, i, from));
    }
    run.end = Math.max(run.end, map[1]);
    this.prose = run;
  }

  private nestedFence(token: Token, run: ProseRun): void {
    const line = token.map?.[0] ?? 0;
    const lang = fenceLanguage(token);
    if (this.opts.native && (lang === 'check' || lang === 'hint' || lang === 'solution')) {
      this.problems.warning(
        this.ref(line),
        `a \`\`\`${lang} block inside a list or quote is ignored: put it at the top level of the step`,
      );
      return;
    }
    const fields = this.fenceCellFields(token);
    if (!fields) return;
    const cell = this.newCell(fields, line);
    run.cells.push(cell);
    this.lines[line] = `${(this.lines[line] ?? '').trimEnd()} cell=${cell.id}`;
  }

  /** Cells from `cmd`{{exec}} spans in an inline token; their places in the source lines become cell links. */
  private inlineCells(inline: Token, run: ProseRun, map: [number, number] | null): void {
    const spans = markedSpans(inline.content);
    if (spans.length === 0 || !map || this.opts.proseOnly) return;
    const [start, end] = map;
    const raw = this.lines.slice(start, end).join('\n');
    const located = markedSpans(raw);
    const aligned = located.length === spans.length;
    let rewritten = '';
    let cursor = 0;
    spans.forEach((span, k) => {
      const at = aligned ? located[k] : undefined;
      const line = start + (at ? countNewlines(raw.slice(0, at.start)) : 0);
      const cell =
        span.mark.type === 'cell' ? this.newCell(this.markFields(span.command, span.mark, null, line), line) : null;
      if (cell) run.cells.push(cell);
      if (at) {
        rewritten += raw.slice(cursor, at.start) + replacement(at, cell);
        cursor = at.end;
      }
    });
    const patched = aligned ? rewritten + raw.slice(cursor) : stripActionMarks(raw);
    const patchedLines = patched.split('\n');
    if (patchedLines.length === end - start) this.lines.splice(start, end - start, ...patchedLines);
  }

  private flushProse(): void {
    const run = this.prose;
    this.prose = null;
    if (!run) return;
    let { start, end } = run;
    while (start < end && (this.lines[start] ?? '').trim() === '') start++;
    while (end > start && (this.lines[end - 1] ?? '').trim() === '') end--;
    if (start === end && run.cells.length === 0) return;
    const block: Block = { type: 'prose', markdown: this.lines.slice(start, end).join('\n'), source: this.ref(start) };
    if (run.cells.length > 0) block.cells = run.cells;
    this.current.blocks.push(block);
  }

  // ---- cells and lines

  private newCell(fields: CellFields, line: number): Cell {
    this.cellCount++;
    const prefix = this.opts.cellPrefix(this.sections.length - 1);
    const cell: Cell = {
      id: `${prefix}.c${this.cellCount}`,
      command: fields.command,
      kind: fields.kind,
      terminal: fields.terminal,
      runnable: fields.runnable,
      expectExit: fields.expectExit,
      source: this.ref(line),
    };
    if (fields.host !== undefined) cell.host = fields.host;
    if (fields.noNewline) cell.noNewline = true;
    if (fields.file) cell.file = fields.file;
    return cell;
  }

  private fileLine(line: number): number {
    return this.opts.lineOffset + line + 1;
  }

  private ref(line: number): SourceRef {
    return { file: this.opts.file, line: this.fileLine(line) };
  }
}

function replacement(span: MarkedSpan, cell: Cell | null): string {
  return cell && !span.inLink ? `[${span.raw}](#cell/${cell.id})` : span.raw;
}
