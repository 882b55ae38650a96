// JSON shapes of the HTTP API (GET /api/...). The client renders markdown itself (markdown-it + DOMPurify).
// The server sends markdown, never HTML.
import type { ErrorCode } from './errors.ts';

export interface LessonSummary {
  id: string;
  title: string;
  description: string;
  difficulty?: string;
  time?: string;
  requires: string[];
  /** Requirements the host cannot meet, with a plain reason each, e.g. "docker: no Docker engine at unix:///var/run/docker.sock". */
  unmet: { requirement: string; reason: string }[];
  steps: number;
  completedSteps: number;
}

export interface CellView {
  id: string;
  command: string;
  kind: 'exec' | 'copy' | 'interrupt' | 'keys' | 'file';
  terminal: number; // 1-based
  runnable: boolean;
  expectExit: number;
  /** File cells: where the command's text goes in the learner's working directory, and how. */
  file?: { path: string; mode: 'replace' | 'append' | 'open' };
}

/** A prose block's `cells` are the cells written inside it, marked in `markdown` (see server/lesson/model.ts). */
export type BlockView = { type: 'prose'; markdown: string; cells?: CellView[] } | { type: 'cell'; cell: CellView };

export interface StepView {
  id: string;
  index: number;
  title: string;
  blocks: BlockView[];
  checks: number;
  hints: string[];
  solution?: string;
}

export interface LessonView {
  id: string;
  title: string;
  description: string;
  unlock: 'checks' | 'free';
  terminals: number;
  requires: string[];
  intro?: BlockView[];
  steps: StepView[];
  finish?: BlockView[];
  completedSteps: string[];
}

/** GET /api/inspect?source=... : what the image explorer shows. Mirrors server/core's InspectResult with files. */
export interface ExplorerLayer {
  index: number;
  digest: string | null;
  diffId: string | null;
  size: number;
  uncompressedSize: number;
  entries: number;
  verified: boolean;
  createdBy: string | null;
  added: string[];
  changed: string[];
  removed: string[];
}

export interface ExplorerPath {
  path: string;
  kind: string;
  size: number;
  layer: number;
}

export interface ExplorerImage {
  tags: string[];
  configDigest: string | null;
  fileCount: number;
  wastedBytes: number;
  layers: ExplorerLayer[];
  paths: ExplorerPath[];
  whiteouts: { path: string; layer: number }[];
}

export interface ExplorerResponse {
  source: string;
  format: string;
  verified: boolean;
  images: ExplorerImage[];
}

export interface ApiError {
  error: { code: ErrorCode; message: string };
}
