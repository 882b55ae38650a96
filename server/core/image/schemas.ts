// The JSON documents an image archive carries, validated at the boundary. Unknown fields pass through: the
// formats grow, and only the fields below are read.
import { z } from 'zod';
import { CoreError } from '../errors.ts';

const Digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');
const Annotations = z.record(z.string(), z.string()).nullish();

export const PlatformSchema = z.looseObject({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
});

export const DescriptorSchema = z.looseObject({
  mediaType: z.string().optional(),
  digest: Digest,
  size: z.number().int().nonnegative(),
  annotations: Annotations,
  platform: PlatformSchema.nullish(),
});
export type Descriptor = z.infer<typeof DescriptorSchema>;

/** index.json, an OCI image index or a Docker manifest list. `manifests: null` occurs (Docker 25, untagged). */
export const IndexSchema = z.looseObject({
  schemaVersion: z.number().optional(),
  mediaType: z.string().optional(),
  manifests: z.array(DescriptorSchema).nullish(),
});

/** An OCI image manifest or a Docker schema 2 manifest. */
export const ManifestSchema = z.looseObject({
  schemaVersion: z.number().optional(),
  mediaType: z.string().optional(),
  config: DescriptorSchema,
  layers: z.array(DescriptorSchema),
  annotations: Annotations,
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** docker save's manifest.json: one object per image. */
export const DockerManifestSchema = z.array(
  z.looseObject({
    Config: z.string(),
    RepoTags: z.array(z.string()).nullish(),
    Layers: z.array(z.string()),
    LayerSources: z
      .record(
        z.string(),
        z.looseObject({ mediaType: z.string().optional(), size: z.number().optional(), digest: Digest }),
      )
      .nullish(),
  }),
);
export type DockerManifestEntry = z.infer<typeof DockerManifestSchema>[number];

/** Docker's strslice: a list, or (in old configs) one string. */
const StrSlice = z
  .union([z.array(z.string()), z.string()])
  .nullish()
  .transform((v) => (typeof v === 'string' ? [v] : (v ?? null)));

export const ImageConfigSchema = z.looseObject({
  architecture: z.string().nullish(),
  os: z.string().nullish(),
  variant: z.string().nullish(),
  config: z
    .looseObject({
      Cmd: StrSlice,
      Entrypoint: StrSlice,
      Env: z.array(z.string()).nullish(),
      WorkingDir: z.string().nullish(),
      User: z.string().nullish(),
      ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
      Labels: z.record(z.string(), z.string()).nullish(),
    })
    .nullish(),
  rootfs: z.looseObject({ type: z.string().optional(), diff_ids: z.array(z.string()).nullish() }).nullish(),
  history: z
    .array(
      z.looseObject({
        created: z.string().nullish(),
        created_by: z.string().nullish(),
        comment: z.string().nullish(),
        empty_layer: z.boolean().nullish(),
      }),
    )
    .nullish(),
});
export type RawImageConfig = z.infer<typeof ImageConfigSchema>;

/** Parses and validates a JSON document; MANIFEST_INVALID names the member and the first problem. */
export function parseJson<T>(schema: z.ZodType<T>, bytes: Buffer, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (e: unknown) {
    throw new CoreError('MANIFEST_INVALID', `${what} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new CoreError('MANIFEST_INVALID', `${what} is not a valid document${at}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
