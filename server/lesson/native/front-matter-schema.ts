// What a native lesson's front matter may say (docs/lesson-format.md). Unknown keys are kept as metadata.
import { z } from 'zod';

/** The protocol carries terminal indexes 0..15 (server/protocol/messages.ts), so a lesson has at most 16. */
export const MAX_TERMINALS = 16;

const assetSchema = z.union(
  [
    z.string().min(1),
    z.strictObject({
      file: z.string().min(1),
      target: z.string().min(1).optional(),
      chmod: z
        .string()
        .regex(/^([0-7]{3,4}|[ugoa]*[+-=][rwxX]+)$/, 'chmod is octal ("755") or symbolic ("+x")')
        .optional(),
    }),
  ],
  { error: 'expected a file name, or {file, target, chmod}' },
);

export const frontMatterSchema = z.looseObject({
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  difficulty: z.string().optional(),
  time: z
    .union([z.string(), z.number()], { error: 'expected text such as "15 minutes", or a number of minutes' })
    .optional(),
  environment: z
    .strictObject({
      backend: z.enum(['local', 'docker']).optional(),
      image: z.string().min(1).optional(),
      requires: z.array(z.string().min(1)).optional(),
      terminals: z.number().int().min(1).max(MAX_TERMINALS).optional(),
    })
    .optional(),
  unlock: z.enum(['checks', 'free']).optional(),
  setup: z.union([z.string(), z.array(z.string())], { error: 'expected a command, or a list of commands' }).optional(),
  assets: z.array(assetSchema).optional(),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export const FRONT_MATTER_KEYS: readonly string[] = Object.keys(frontMatterSchema.shape);
export const ENVIRONMENT_KEYS: readonly string[] = ['backend', 'image', 'requires', 'terminals'];
