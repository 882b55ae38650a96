// Jupyter notebooks (.ipynb, nbformat 4) as lessons. Markdown cells are prose, and a `## ` heading in one starts a
// step, as in native lessons (a leading `# ` is the lesson title). Code cells are the cells: runnable when the
// notebook's kernel is bash or the cell starts with `%%bash`, otherwise shown and noted. A ```check block in a
// markdown or raw cell gives its step checks. Notebooks that stepwise wrote (server/protocol/notebook.ts) keep
// each cell's kind, terminal and file in `metadata.stepwise`, so they load back as the same cells.
import { basename, dirname, resolve } from 'node:path';
import { emptyLesson, sectionIsEmpty, sectionToPage, sectionToStep, settleTerminals } from '../assemble.ts';
import { parseJsonSource } from '../json-source.ts';
import type { Located } from '../json-source.ts';
import { learnerPath } from '../learner-path.ts';
import { NOTEBOOK_SUFFIX } from '../locate.ts';
import { buildSections } from '../markdown/sections.ts';
import type { Section } from '../markdown/sections.ts';
import type { Cell, Lesson, SourceRef } from '../model.ts';
import { ProblemList, sortProblems } from '../problems.ts';
import { SlugAllocator } from '../slug.ts';
import { readLessonText } from '../text-file.ts';
import { reportZodIssues } from '../zod-problems.ts';
import {
  notebookSchema,
  sourceText,
  stepwiseCellMetaSchema,
  stepwiseMarkdownMetaSchema,
} from '../../protocol/index.ts';
import type { Notebook, NotebookCell } from '../../protocol/index.ts';

const BASH_MAGIC = /^%%bash[ \t]*(?:\r?\n|$)/;
const BASH_NAME = /\bbash\b/i;

export async function loadNotebookLesson(file: string, id: string): Promise<Lesson> {
  const problems = new ProblemList();
  const lesson = emptyLesson(id, resolve(dirname(file)), 'jupyter', basename(file, NOTEBOOK_SUFFIX));
  const json = parseJsonSource(await readLessonText(file), file, problems);
  if (json) new NotebookReader(file, json, lesson, problems).read();
  settleTerminals(lesson, undefined, problems);
  lesson.problems = sortProblems(problems.items);
  return lesson;
}

class NotebookReader {
  private readonly sections: Section[] = [];
  private titled = false;
  private bashKernel = false;

  constructor(
    private readonly file: string,
    private readonly json: Located,
    private readonly lesson: Lesson,
    private readonly problems: ProblemList,
  ) {}

  read(): void {
    const parsed = notebookSchema.safeParse(this.json.value, { reportInput: true });
    if (!parsed.success) {
      reportZodIssues(
        parsed.error.issues,
        { subject: 'notebook', where: (p, w) => this.json.ref(p, w) },
        this.problems,
      );
      return;
    }
    const notebook = parsed.data;
    this.readMetadata(notebook);
    this.sections.push(this.emptySection(this.ref([])));
    notebook.cells.forEach((cell, i) => this.readCell(cell, i));
    this.assemble();
  }

  private readMetadata(notebook: Notebook): void {
    const { kernelspec, language_info: language, title } = notebook.metadata;
    const names = [kernelspec?.name, kernelspec?.language, language?.name].filter((n): n is string => n !== undefined);
    this.bashKernel = names.some((n) => BASH_NAME.test(n));
    this.lesson.meta.kernel = kernelspec?.name ?? language?.name ?? 'unknown';
    if (title !== undefined && title.trim() !== '') this.lesson.title = title;
    if (!this.bashKernel) {
      const kernel = names[0] ?? 'none named';
      this.problems.note(
        this.ref(['metadata']),
        `the notebook's kernel is ${kernel}, not bash: only code cells that start with %%bash run`,
      );
    }
  }

  private readCell(cell: NotebookCell, index: number): void {
    const at = this.ref(['cells', index]);
    const text = sourceText(cell.source);
    if (cell.cell_type === 'code') {
      this.codeCell(cell, text, at);
      return;
    }
    const role = stepwiseMarkdownMetaSchema.safeParse(cell.metadata.stepwise ?? {}).data?.role;
    if (role === 'checks') return; // a run's check results, written by stepwise: not the lesson's text
    if (role === 'title') {
      const [heading = '', ...rest] = text.split('\n');
      this.titled = true;
      this.lesson.title = heading.replace(/^#\s+/, '').trim() || this.lesson.title;
      this.lesson.description = rest.join('\n').trim();
      return;
    }
    if (cell.cell_type === 'raw' && !/^\s*(?:`{3,}|~{3,})\s*check\b/m.test(text)) {
      if (text.trim() !== '') this.problems.note(at, 'a raw cell without a ```check block is not shown');
      return;
    }
    const built = buildSections(
      text.split('\n'),
      {
        file: this.file,
        lineOffset: at.line,
        native: true,
        proseOnly: true,
        splitSteps: true,
        takeTitle: this.titled || this.sections.length > 1 ? 'none' : 'lesson-h1',
        cellPrefix: () => 'md',
      },
      this.problems,
    );
    if (built.title && !this.titled) {
      this.titled = true;
      this.lesson.title = built.title.text;
    }
    const [lead, ...steps] = built.sections;
    if (lead) this.merge(lead);
    this.sections.push(...steps);
  }

  private codeCell(cell: Extract<NotebookCell, { cell_type: 'code' }>, text: string, at: SourceRef): void {
    const meta = stepwiseCellMetaSchema.safeParse(cell.metadata.stepwise ?? {});
    const saved = meta.success ? meta.data : {};
    const magic = BASH_MAGIC.exec(text);
    const body = magic ? text.slice(magic[0].length) : text;
    // A command's last newline is not part of it; a file's text keeps every byte.
    const command = saved.kind === 'file' ? body : body.replace(/\n$/, '');
    const runs = this.bashKernel || magic !== null;
    if (!runs)
      this.problems.note(
        at,
        "a code cell for the notebook's own kernel: shown, not run (start it with %%bash to run it)",
      );
    const fields: Omit<Cell, 'id'> = {
      command,
      kind: saved.kind ?? 'exec',
      terminal: saved.terminal ?? 1,
      runnable: runs && (saved.runnable ?? true),
      expectExit: saved.expectExit ?? 0,
      source: at,
    };
    if (saved.file) {
      const path = learnerPath(saved.file.path);
      if (path.ok) fields.file = { path: path.path, mode: saved.file.mode };
      else {
        this.problems.warning(at, `file cell: ${path.reason}; shown as text to copy`);
        fields.kind = 'copy';
        fields.runnable = false;
      }
    } else if (fields.kind === 'file') {
      fields.kind = 'copy';
      fields.runnable = false;
    }
    const section = this.current();
    section.blocks.push({ type: 'cell', cell: { id: '', ...fields } });
  }

  /** Intro from what precedes the first step heading; steps with ids s<n>.c<k> numbered here. */
  private assemble(): void {
    const [intro, ...steps] = this.sections;
    const slugs = new SlugAllocator();
    if (intro && !sectionIsEmpty(intro)) this.lesson.intro = sectionToPage(numbered(intro, 's0'), undefined);
    steps.forEach((section, i) => {
      const index = i + 1;
      this.lesson.steps.push(
        sectionToStep(numbered(section, `s${index}`), index, section.title || `Step ${index}`, slugs),
      );
    });
    if (steps.length === 0) {
      this.problems.warning(
        this.ref([]),
        'no ## heading in any markdown cell: the notebook has no steps, so it is shown as an intro',
      );
    }
  }

  private merge(section: Section): void {
    const into = this.current();
    into.blocks.push(...section.blocks);
    into.checks.push(...section.checks);
    into.hints.push(...section.hints);
    if (section.solution !== undefined)
      into.solution = into.solution === undefined ? section.solution : `${into.solution}\n\n${section.solution}`;
  }

  private current(): Section {
    const last = this.sections[this.sections.length - 1];
    if (last) return last;
    const section = this.emptySection(this.ref([]));
    this.sections.push(section);
    return section;
  }

  private emptySection(source: SourceRef): Section {
    return { source, blocks: [], checks: [], hints: [] };
  }

  private ref(path: readonly (string | number)[]): SourceRef {
    return this.json.ref(path);
  }
}

/** Gives each cell of a section its id, in order. */
function numbered(section: Section, prefix: string): Section {
  let n = 0;
  for (const block of section.blocks) {
    if (block.type === 'cell') block.cell.id = `${prefix}.c${++n}`;
  }
  return section;
}
