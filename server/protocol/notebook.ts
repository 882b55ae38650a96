// Jupyter notebooks (nbformat 4.5) as stepwise writes them: a lesson run as a readable transcript. Pure types and
// codecs, so the learner's page ("Download as notebook") and `stepwise check --ipynb` build the same file, and the
// lesson loader reads notebooks with the same schema.
//
// Shape: a markdown cell with the lesson title; per step a markdown cell `## Title`, its prose as markdown cells
// and its commands as code cells (cells written inside prose follow that prose); after a checked step, its check
// results as a markdown cell. A code cell that ran has its output as one stdout stream, an execution count in run
// order, and `metadata.stepwise` with its exit code and duration. Loading the file gives back the same steps and
// cells (server/lesson/jupyter).
import { z } from 'zod';

export const NBFORMAT = 4;
export const NBFORMAT_MINOR = 5;

/** nbformat's multiline strings: one string, or a list of lines that each keep their newline. */
const multiline = z.union([z.string(), z.array(z.string())]);
/** nbformat 4.5 cell ids. */
export const NOTEBOOK_CELL_ID = /^[a-zA-Z0-9_-]{1,64}$/;

const streamOutput = z.looseObject({
  output_type: z.literal('stream'),
  name: z.enum(['stdout', 'stderr']),
  text: multiline,
});
const dataOutput = z.looseObject({
  output_type: z.enum(['display_data', 'execute_result']),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()).optional(),
  execution_count: z.number().int().nullable().optional(),
});
const errorOutput = z.looseObject({
  output_type: z.literal('error'),
  ename: z.string(),
  evalue: z.string(),
  traceback: z.array(z.string()),
});

const cellBase = {
  id: z.string().regex(NOTEBOOK_CELL_ID).optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
  source: multiline,
};

export const notebookCellSchema = z.discriminatedUnion('cell_type', [
  z.looseObject({
    cell_type: z.literal('markdown'),
    ...cellBase,
    attachments: z.record(z.string(), z.unknown()).optional(),
  }),
  z.looseObject({ cell_type: z.literal('raw'), ...cellBase }),
  z.looseObject({
    cell_type: z.literal('code'),
    ...cellBase,
    execution_count: z.number().int().min(0).nullable().default(null),
    outputs: z.array(z.union([streamOutput, dataOutput, errorOutput])).default([]),
  }),
]);
export type NotebookCell = z.infer<typeof notebookCellSchema>;

/** nbformat 4 (any minor): what the loader accepts. Unknown keys are kept, as Jupyter does. */
export const notebookSchema = z.looseObject({
  nbformat: z.literal(NBFORMAT),
  nbformat_minor: z.number().int().min(0),
  metadata: z
    .looseObject({
      kernelspec: z
        .looseObject({ name: z.string(), display_name: z.string().optional(), language: z.string().optional() })
        .optional(),
      language_info: z.looseObject({ name: z.string() }).optional(),
      title: z.string().optional(),
    })
    .default({}),
  cells: z.array(notebookCellSchema),
});
export type Notebook = z.infer<typeof notebookSchema>;

/**
 * What stepwise keeps in a markdown cell's `metadata.stepwise`: the lesson's title and description, or a step's
 * check results. Both are the run's, not the lesson's prose, so loading the notebook does not show them as prose.
 */
export type MarkdownRole = 'title' | 'checks';
export const stepwiseMarkdownMetaSchema = z.looseObject({ role: z.enum(['title', 'checks']).optional() });

/** What stepwise keeps in a code cell's `metadata.stepwise`. */
export const stepwiseCellMetaSchema = z.looseObject({
  cellId: z.string().optional(),
  kind: z.enum(['exec', 'copy', 'interrupt', 'keys', 'file']).optional(),
  terminal: z.number().int().min(1).optional(),
  runnable: z.boolean().optional(),
  expectExit: z.number().int().optional(),
  file: z.object({ path: z.string().min(1), mode: z.enum(['replace', 'append', 'open']) }).optional(),
  exitCode: z.number().int().nullable().optional(),
  durationMs: z.number().min(0).optional(),
});
export type StepwiseCellMeta = z.infer<typeof stepwiseCellMetaSchema>;

export function sourceText(source: string | readonly string[]): string {
  return typeof source === 'string' ? source : source.join('');
}

// ---- export

/** A cell as both the server's Lesson model and the page's LessonView have it. */
export interface TranscriptCell {
  id: string;
  command: string;
  kind: 'exec' | 'copy' | 'interrupt' | 'keys' | 'file';
  terminal: number;
  runnable: boolean;
  expectExit: number;
  file?: { path: string; mode: 'replace' | 'append' | 'open' } | undefined;
}
export type TranscriptBlock =
  | { type: 'prose'; markdown: string; cells?: readonly TranscriptCell[] | undefined }
  | { type: 'cell'; cell: TranscriptCell };

export interface TranscriptCheck {
  kind: string;
  target: string;
  passed: boolean;
  expected: string;
  seen: string;
  hint?: string | undefined;
}

export interface TranscriptPage {
  title?: string | undefined;
  blocks: readonly TranscriptBlock[];
  /** The step's last check, if it was checked. */
  checks?: { passed: boolean; results: readonly TranscriptCheck[] } | undefined;
}

export interface TranscriptRun {
  exitCode: number | null;
  output: string;
  durationMs: number;
}

export interface Transcript {
  lessonId: string;
  title: string;
  description?: string | undefined;
  intro?: TranscriptPage | undefined;
  steps: readonly TranscriptPage[];
  finish?: TranscriptPage | undefined;
  /** Runs by cell id, in the order they ran (a Map keeps insertion order). */
  runs: ReadonlyMap<string, TranscriptRun>;
}

const BASH_KERNEL = { name: 'bash', display_name: 'Bash', language: 'bash' };

export function notebookFromTranscript(t: Transcript): Notebook {
  const order = new Map([...t.runs.keys()].map((id, i) => [id, i + 1]));
  const cells: NotebookCell[] = [];
  let markdownCount = 0;
  const markdown = (text: string, role?: MarkdownRole): void => {
    markdownCount++;
    cells.push({
      cell_type: 'markdown',
      id: `md-${markdownCount}`,
      metadata: role ? { stepwise: { role } } : {},
      source: lines(text),
    });
  };
  const code = (cell: TranscriptCell): void => {
    const run = t.runs.get(cell.id);
    const meta: StepwiseCellMeta = {
      cellId: cell.id,
      kind: cell.kind,
      terminal: cell.terminal,
      runnable: cell.runnable,
      expectExit: cell.expectExit,
    };
    if (cell.file) meta.file = { path: cell.file.path, mode: cell.file.mode };
    if (run) {
      meta.exitCode = run.exitCode;
      meta.durationMs = Math.round(run.durationMs);
    }
    const output = run ? run.output.replace(/\r\n?/g, '\n') : '';
    cells.push({
      cell_type: 'code',
      id: notebookCellId(cell.id),
      metadata: { stepwise: meta },
      source: lines(cell.command),
      execution_count: order.get(cell.id) ?? null,
      outputs: run && output !== '' ? [{ output_type: 'stream', name: 'stdout', text: lines(output) }] : [],
    });
  };
  const page = (p: TranscriptPage, heading: string | null): void => {
    if (heading !== null) markdown(heading);
    for (const block of p.blocks) {
      if (block.type === 'cell') {
        code(block.cell);
        continue;
      }
      const text = plainProse(block.markdown);
      if (text.trim() !== '') markdown(text);
      for (const cell of block.cells ?? []) code(cell);
    }
    if (p.checks) markdown(checkResultsMarkdown(p.checks), 'checks');
  };
  markdown(t.description ? `# ${t.title}\n\n${t.description}` : `# ${t.title}`, 'title');
  if (t.intro) page(t.intro, null);
  for (const step of t.steps) page(step, `## ${step.title ?? ''}`);
  if (t.finish) page(t.finish, '---');
  return {
    nbformat: NBFORMAT,
    nbformat_minor: NBFORMAT_MINOR,
    metadata: {
      kernelspec: BASH_KERNEL,
      language_info: { name: 'bash' },
      title: t.title,
      stepwise: { lessonId: t.lessonId },
    },
    cells,
  };
}

/** Check results for a reader: a verdict line, then one line per check with what was expected and seen. */
export function checkResultsMarkdown(checks: NonNullable<TranscriptPage['checks']>): string {
  const head = checks.passed ? '**Check: passed**' : '**Check: not yet**';
  const items = checks.results.map((r) => {
    const mark = r.passed ? '✓' : '✗';
    const hint = !r.passed && r.hint ? ` Hint: ${r.hint}` : '';
    return `- ${mark} ${r.kind} \`${r.target}\`: expected ${r.expected}; saw ${r.seen}.${hint}`;
  });
  return [head, '', ...items].join('\n');
}

/** Prose without stepwise's cell marks: inline cell links become code, nested fences lose their `cell=ID` word. */
function plainProse(markdown: string): string {
  return markdown
    .replace(/\[(`+[^\]]*?`+)\]\(#cell\/[^)\s]+\)/g, '$1')
    .replace(/^(\s*(?:>\s?)*(?:`{3,}|~{3,}).*?) cell=\S+[ \t]*$/gm, '$1');
}

/** nbformat's list-of-lines form: each line keeps its newline, the last one has none. */
function lines(text: string): string[] {
  const parts = text.split(/(?<=\n)/);
  return parts.length === 1 && parts[0] === '' ? [] : parts;
}

function notebookCellId(cellId: string): string {
  const id = cellId.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64);
  return id === '' ? 'cell' : id;
}
