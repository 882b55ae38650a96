// The index.json of a Katacoda or Killercoda scenario: the keys stepwise reads. Every other key is kept as
// metadata and reported by lint.
import { z } from 'zod';

const fileName = z.string().min(1);

/** intro, each step, and finish. Katacoda spells background `courseData` and foreground `code`. */
export const pageSchema = z.looseObject({
  title: z.string().optional(),
  text: fileName.optional(),
  verify: fileName.optional(),
  background: fileName.optional(),
  courseData: fileName.optional(),
  foreground: fileName.optional(),
  code: fileName.optional(),
  answer: fileName.optional(),
});
export type IndexPage = z.infer<typeof pageSchema>;
export const PAGE_KEYS: readonly string[] = Object.keys(pageSchema.shape);

export const assetSchema = z.looseObject({
  file: fileName,
  target: z.string().min(1),
  chmod: z.string().optional(),
});
export const ASSET_KEYS: readonly string[] = Object.keys(assetSchema.shape);

export const detailsSchema = z.looseObject({
  intro: pageSchema.optional(),
  steps: z.array(pageSchema).optional(),
  finish: pageSchema.optional(),
  /** By host: "host01", Katacoda's "client". */
  assets: z.record(z.string(), z.array(assetSchema)).optional(),
});
export const DETAILS_KEYS: readonly string[] = Object.keys(detailsSchema.shape);

export const indexSchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  difficulty: z.string().optional(),
  time: z.string().optional(),
  /** Killercoda: 'jupyter' for a notebook scenario; absent for a scenario with pages. */
  type: z.string().optional(),
  /** Read on its own (see loader.ts): absent in a Jupyter scenario or one with no pages. */
  details: z.unknown().optional(),
  backend: z.looseObject({ imageid: z.string().optional() }).optional(),
  interface: z.looseObject({ layout: z.string().optional() }).optional(),
  /** Katacoda's UI settings; `uilayout` is the layout, the rest is reported as unsupported. */
  environment: z.record(z.string(), z.unknown()).optional(),
});
export type IndexJson = z.infer<typeof indexSchema>;
export const ROOT_KEYS: readonly string[] = Object.keys(indexSchema.shape);
