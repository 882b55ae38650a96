// One Lesson model for every source format: native markdown, plain tutorials and Katacoda/Killercoda folders.
// Ids (DESIGN.md): lesson id = its path under the served root; step id = slug of its title; cell id = s<step>.c<n>.

/** Where something came from, for file:line in every problem and in check transcripts. */
export interface SourceRef {
  file: string; // path as given to the loader (absolute or relative to cwd)
  line: number; // 1-based
}

export type CellKind = 'exec' | 'copy' | 'interrupt' | 'keys' | 'file';

/**
 * What a `file` cell does with its file (Katacoda's copy-to-editor blocks and `{{open}}`): `replace` writes
 * the cell's command as the whole file, `append` adds it to the end, `open` creates the file empty if it is
 * missing and never changes one that exists.
 */
export type FileWriteMode = 'replace' | 'append' | 'open';

export interface FileTarget {
  path: string; // relative to the learner's working directory, normalised, never absolute and never with '..'
  mode: FileWriteMode;
}

export interface Cell {
  id: string; // s<step>.c<n>, 1-based: "s1.c1"
  command: string; // exactly as written; multi-line allowed. A file cell's command is the file's text.
  kind: CellKind;
  file?: FileTarget; // set exactly when kind is 'file'
  terminal: number; // 1-based: T1 = 1
  host?: number; // Katacoda HOST<n>, kept and reported by lint
  noNewline?: boolean; // Katacoda no-newline: type without pressing Enter
  runnable: boolean; // false for `norun` blocks, copy cells, and file cells stepwise cannot write
  expectExit: number; // 0 unless `expect-exit=N`
  source: SourceRef;
}

export type Block =
  { type: 'prose'; markdown: string; source: SourceRef; cells?: Cell[] } | { type: 'cell'; cell: Cell };
// A prose block's `cells` are the cells written inside it (an inline `cmd`{{exec}} in a sentence, or a fence nested
// in a list item), in order. Their places are marked in `markdown`: an inline one as a link `[`cmd`](#cell/ID)`
// (plain code when it already sat inside a link), a fenced one by the info-string word `cell=ID`. Clients render
// them in place; they are never also separate blocks.

/** A check item as parsed from a ```check YAML list. Validated against docs/lesson-format.md's schema. */
export interface CheckSpec {
  kind: 'file' | 'tar' | 'image' | 'command' | 'output' | 'script';
  target: string; // the value under the kind's key ('true' for output)
  fields: Record<string, unknown>; // sibling fields, validated by server/checks
  hint?: string;
  source: SourceRef;
}

export interface Script {
  kind: 'background' | 'foreground' | 'verify';
  path: string; // resolved absolute path inside the lesson folder
  exists: boolean;
  source: SourceRef;
}

export interface Step {
  id: string; // slug of the title, de-duplicated within the lesson
  index: number; // 1-based
  title: string;
  blocks: Block[];
  checks: CheckSpec[];
  scripts: Script[];
  hints: string[]; // markdown
  solution?: string; // markdown
  source: SourceRef;
}

export interface Environment {
  backend?: 'local' | 'docker';
  image?: string; // docker backend image, or Katacoda backend.imageid kept for reporting
  requires: string[]; // e.g. ['docker']
  terminals: number; // highest T<n> used, at least 1
}

export interface Asset {
  file: string; // absolute path inside the lesson folder
  target: string; // where it is copied in the environment (relative to the learner's dir or absolute)
  chmod?: string;
}

/** A page that is not a step: intro and finish. */
export interface Page {
  title?: string;
  blocks: Block[];
  scripts: Script[];
  source: SourceRef;
}

export type Severity = 'error' | 'warning' | 'note';

export interface Problem {
  file: string;
  line: number;
  severity: Severity;
  message: string;
}

export type LessonFormat = 'native' | 'katacoda' | 'jupyter';

export interface Lesson {
  id: string;
  dir: string; // absolute lesson folder; assets and scripts resolve inside it
  format: LessonFormat;
  title: string;
  description: string;
  difficulty?: string;
  time?: string;
  unlock: 'checks' | 'free';
  meta: Record<string, unknown>; // unknown front matter / index.json keys, kept
  environment: Environment;
  setup: string[]; // shell commands run before the lesson (by check and by Reset)
  intro?: Page;
  steps: Step[];
  finish?: Page;
  assets: Asset[];
  problems: Problem[]; // found while loading; lint adds more
}
