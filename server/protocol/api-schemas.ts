// zod schemas for the HTTP API shapes in api.ts, so the client validates what `fetch` returns (a JSON boundary)
// and the server can validate what it sends in tests. Each schema is typed against its interface, so the two
// cannot drift apart without a compile error.
import { z } from 'zod';
import { errorCodeSchema } from './messages.ts';
import type {
  ApiError,
  BlockView,
  CellView,
  ExplorerImage,
  ExplorerLayer,
  ExplorerPath,
  ExplorerResponse,
  LessonSummary,
  LessonView,
  StepView,
} from './api.ts';

export const lessonSummarySchema: z.ZodType<LessonSummary> = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  difficulty: z.string().optional(),
  time: z.string().optional(),
  requires: z.array(z.string()),
  unmet: z.array(z.object({ requirement: z.string(), reason: z.string() })),
  steps: z.number().int().min(0),
  completedSteps: z.number().int().min(0),
});
export const lessonSummaryListSchema = z.array(lessonSummarySchema);

const cellViewSchema: z.ZodType<CellView> = z.object({
  id: z.string(),
  command: z.string(),
  kind: z.enum(['exec', 'copy', 'interrupt', 'keys', 'file']),
  terminal: z.number().int().min(1),
  runnable: z.boolean(),
  expectExit: z.number().int(),
  file: z.object({ path: z.string().min(1), mode: z.enum(['replace', 'append', 'open']) }).optional(),
});

const blockViewSchema: z.ZodType<BlockView> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('prose'), markdown: z.string(), cells: z.array(cellViewSchema).optional() }),
  z.object({ type: z.literal('cell'), cell: cellViewSchema }),
]);

const stepViewSchema: z.ZodType<StepView> = z.object({
  id: z.string(),
  index: z.number().int(),
  title: z.string(),
  blocks: z.array(blockViewSchema),
  checks: z.number().int().min(0),
  hints: z.array(z.string()),
  solution: z.string().optional(),
});

export const lessonViewSchema: z.ZodType<LessonView> = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  unlock: z.enum(['checks', 'free']),
  terminals: z.number().int().min(1),
  requires: z.array(z.string()),
  intro: z.array(blockViewSchema).optional(),
  steps: z.array(stepViewSchema),
  finish: z.array(blockViewSchema).optional(),
  completedSteps: z.array(z.string()),
});

const explorerLayerSchema: z.ZodType<ExplorerLayer> = z.object({
  index: z.number().int().min(0),
  digest: z.string().nullable(),
  diffId: z.string().nullable(),
  size: z.number().min(0),
  uncompressedSize: z.number().min(0),
  entries: z.number().int().min(0),
  verified: z.boolean(),
  createdBy: z.string().nullable(),
  added: z.array(z.string()),
  changed: z.array(z.string()),
  removed: z.array(z.string()),
});

const explorerPathSchema: z.ZodType<ExplorerPath> = z.object({
  path: z.string(),
  kind: z.string(),
  size: z.number().min(0),
  layer: z.number().int().min(-1),
});

const explorerImageSchema: z.ZodType<ExplorerImage> = z.object({
  tags: z.array(z.string()),
  configDigest: z.string().nullable(),
  fileCount: z.number().int().min(0),
  wastedBytes: z.number().min(0),
  layers: z.array(explorerLayerSchema),
  paths: z.array(explorerPathSchema),
  whiteouts: z.array(z.object({ path: z.string(), layer: z.number().int().min(0) })),
});

export const explorerResponseSchema: z.ZodType<ExplorerResponse> = z.object({
  source: z.string(),
  format: z.string(),
  verified: z.boolean(),
  images: z.array(explorerImageSchema),
});

export const apiErrorSchema: z.ZodType<ApiError> = z.object({
  error: z.object({ code: errorCodeSchema, message: z.string() }),
});
