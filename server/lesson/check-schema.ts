// The check YAML of DESIGN.md "Checks": one zod schema per kind, the parser that turns a ```check block into
// CheckSpecs with file:line problems, and the JSON Schema that docs/lesson-format.md embeds.
//
// An item names its kind by the key that holds the target (`file: PATH`, `image: docker://REF`, ...); the other
// keys are that kind's fields, plus `hint` on every kind. Unknown kinds and unknown fields are errors.
import { isMap, isScalar, isSeq } from 'yaml';
import { z } from 'zod';
import type { CheckSpec, Problem, SourceRef } from './model.ts';
import { ProblemList, sortProblems } from './problems.ts';
import { parseYamlSource } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';
import { reportZodIssues } from './zod-problems.ts';

export const CHECK_KINDS = ['file', 'tar', 'image', 'command', 'output', 'script'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** The `format` names of `stepwise inspect --json` (DESIGN.md "The core library"). */
export const IMAGE_FORMATS = ['docker-archive', 'oci-archive', 'oci-layout', 'tar', 'docker-engine'] as const;

/** A count beyond any real archive: ten million entries. */
const MAX_COUNT = 10_000_000;
/** Checks run while a learner waits; ten minutes is the most a single check may take (seconds). */
export const MAX_CHECK_TIMEOUT_SECONDS = 600;
/** Long patterns are a sign of a mistake and cost time on every check (characters). */
const MAX_PATTERN_LENGTH = 1000;
/** A check list is a handful of items per step; 200 bounds a pasted mistake. */
const MAX_CHECKS_PER_BLOCK = 200;

/** How `matches` patterns are compiled everywhere: JavaScript syntax, `^`/`$` at line boundaries. */
export function compileMatch(pattern: string): RegExp {
  return new RegExp(pattern, 'm');
}

function isValidPattern(pattern: string): boolean {
  try {
    compileMatch(pattern);
    return true;
  } catch (e: unknown) {
    if (e instanceof SyntaxError) return false; // reported by the schema as "not a valid regular expression"
    throw e;
  }
}

const text = z.string().min(1);
const target = (description: string) => text.describe(description);
const hint = text.describe('Shown to the learner when the check fails: what to do next.').optional();
const contains = text.describe('The text must contain this string.').optional();
const matches = text
  .max(MAX_PATTERN_LENGTH)
  .refine(isValidPattern, { message: 'not a valid regular expression' })
  .describe('The text must match this JavaScript regular expression (multiline: ^ and $ match at line ends).')
  .optional();
const count = z
  .union(
    [
      z.number().int().min(0).max(MAX_COUNT),
      z.strictObject({
        min: z.number().int().min(0).max(MAX_COUNT).optional(),
        max: z.number().int().min(0).max(MAX_COUNT).optional(),
      }),
    ],
    { error: 'expected a whole number or {min, max}' },
  )
  .describe('An exact count, or a range {min, max} (either bound may be left out).');
const exitCode = z.number().int().min(0).max(255);
const timeout = z
  .number()
  .positive()
  .max(MAX_CHECK_TIMEOUT_SECONDS)
  .describe(`Seconds before the check is stopped and fails (at most ${MAX_CHECK_TIMEOUT_SECONDS}).`)
  .optional();
const bothExistsAndAbsent = (c: { exists?: boolean | undefined; absent?: boolean | undefined }) =>
  !(c.absent === true && c.exists === true);

export const fileCheckSchema = z
  .strictObject({
    file: target("A path or glob relative to the learner's working directory; a glob passes if any match passes."),
    exists: z.boolean().describe('true (the default): the path must exist; false: it must not.').optional(),
    absent: z.boolean().describe('true: the path must not exist (the same as exists: false).').optional(),
    contains,
    matches,
    mode: z
      .string({ error: 'mode must be a quoted octal string such as "0644" (unquoted, YAML reads it as a number)' })
      .regex(/^[0-7]{3,4}$/, 'mode is octal permission bits: "644", "0644" or "4755"')
      .describe('Permission bits as a quoted octal string, e.g. "0755".')
      .optional(),
    type: z.enum(['file', 'dir', 'symlink']).describe('What the path must be.').optional(),
    hint,
  })
  .refine(bothExistsAndAbsent, { message: "'exists: true' and 'absent: true' contradict each other" });

export const tarCheckSchema = z.strictObject({
  tar: target('A tar file (plain, gzip or zstd) or a glob of them, relative to the working directory.'),
  has: z.array(text).min(1).describe('Entry names the archive must contain, as tar lists them.').optional(),
  count: count.optional(),
  compressed: z
    .union([z.boolean(), z.enum(['gzip', 'zstd'])], { error: "expected true, false, 'gzip' or 'zstd'" })
    .describe('true: compressed at all; false: a plain tar; or the compression it must use.')
    .optional(),
  hint,
});

const imageFileSchema = z
  .strictObject({
    path: text.describe('An absolute path in the image\'s merged filesystem, e.g. "/release".'),
    exists: z.boolean().optional(),
    contains,
    matches,
  })
  .describe('A file in the merged filesystem of the image, and what it must hold.');

const imageConfigSchema = z
  .strictObject({
    Cmd: z.array(z.string()).optional(),
    Entrypoint: z.array(z.string()).optional(),
    Env: z.array(text).describe('Entries such as "PATH=/bin" that the config must contain.').optional(),
    WorkingDir: z.string().optional(),
    User: z.string().optional(),
    ExposedPorts: z.array(text).describe('Ports such as "80/tcp" that must be exposed.').optional(),
    Labels: z.record(z.string(), z.string()).describe('Labels that must be set to these values.').optional(),
  })
  .describe('Fields of the image config that must have these values.');

export const imageCheckSchema = z.strictObject({
  image: target('An image archive (file), an OCI layout (folder) or docker://REF for an image in the Docker engine.'),
  format: z.enum(IMAGE_FORMATS).describe('The format stepwise inspect reports.').optional(),
  tags: z.array(text).min(1).describe('Tags the image must carry, e.g. redis:3.2.11-alpine.').optional(),
  layers: count.optional(),
  files: count.optional(),
  file: imageFileSchema.optional(),
  config: imageConfigSchema.optional(),
  verified: z.literal(true).describe('Every digest and diff_id must match.').optional(),
  hint,
});

const streamSchema = z
  .strictObject({ contains, matches })
  .refine((s) => s.contains !== undefined || s.matches !== undefined, { message: "give 'contains' or 'matches'" });

export const commandCheckSchema = z.strictObject({
  command: target("A shell command run in the learner's environment, without a terminal, in the working directory."),
  exit: exitCode.describe('The exit code it must return (default 0).').optional(),
  stdout: streamSchema.describe('What its standard output must contain or match.').optional(),
  stderr: streamSchema.describe('What its standard error must contain or match.').optional(),
  timeout,
  hint,
});

export const outputCheckSchema = z.strictObject({
  output: z.literal(true).describe("Checks the captured output of the learner's last run cell."),
  contains,
  matches,
  exit: exitCode.describe('The exit code the last run cell must have returned.').optional(),
  hint,
});

export const scriptCheckSchema = z.strictObject({
  script: target(
    'A verify script, relative to the lesson folder, with Katacoda/Killercoda semantics: exit 0 passes; FAIL: lines give the reason.',
  ),
  timeout,
  hint,
});

const KIND_SCHEMAS = {
  file: fileCheckSchema,
  tar: tarCheckSchema,
  image: imageCheckSchema,
  command: commandCheckSchema,
  output: outputCheckSchema,
  script: scriptCheckSchema,
} as const;

export type FileCheck = z.infer<typeof fileCheckSchema>;
export type TarCheck = z.infer<typeof tarCheckSchema>;
export type ImageCheck = z.infer<typeof imageCheckSchema>;
export type CommandCheck = z.infer<typeof commandCheckSchema>;
export type OutputCheck = z.infer<typeof outputCheckSchema>;
export type ScriptCheck = z.infer<typeof scriptCheckSchema>;
export type CountRange = z.infer<typeof count>;

/** A check item with its fields typed by kind. */
export type TypedCheck =
  | { kind: 'file'; item: FileCheck }
  | { kind: 'tar'; item: TarCheck }
  | { kind: 'image'; item: ImageCheck }
  | { kind: 'command'; item: CommandCheck }
  | { kind: 'output'; item: OutputCheck }
  | { kind: 'script'; item: ScriptCheck };

export const checkListSchema = z
  .array(
    z.union([
      fileCheckSchema,
      tarCheckSchema,
      imageCheckSchema,
      commandCheckSchema,
      outputCheckSchema,
      scriptCheckSchema,
    ]),
  )
  .describe('A ```check block: a YAML list of checks, all of which must pass for the step to pass.');

/** The JSON Schema of a ```check block's YAML, as docs/lesson-format.md embeds it. */
export function checkListJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(checkListSchema);
}

function isCheckKind(key: string): key is CheckKind {
  return (CHECK_KINDS as readonly string[]).includes(key);
}

const NESTED_FIELDS: Record<string, readonly string[]> = {
  'image.file': Object.keys(imageFileSchema.shape),
  'image.config': Object.keys(imageConfigSchema.shape),
  'command.stdout': Object.keys(streamSchema.shape),
  'command.stderr': Object.keys(streamSchema.shape),
};

/** The keys allowed at `path` inside a `kind` item, for "unknown field" messages. */
function allowedFields(kind: CheckKind, path: readonly (string | number)[]): readonly string[] {
  if (path.length === 0) return Object.keys(KIND_SCHEMAS[kind].shape).filter((k) => k !== kind);
  return NESTED_FIELDS[`${kind}.${path.join('.')}`] ?? [];
}

/**
 * Parses the YAML of a ```check block. `source.line` is the file line of the YAML's first line (the line after
 * the opening fence). Invalid items are reported and left out; valid ones become CheckSpecs.
 */
export function parseCheckList(yamlText: string, source: SourceRef): { checks: CheckSpec[]; problems: Problem[] } {
  const problems = new ProblemList();
  const checks: CheckSpec[] = [];
  const yaml = parseYamlSource(yamlText, source.file, source.line, problems);
  if (!yaml) return { checks, problems: problems.items };
  const root = yaml.doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    problems.warning(source, 'empty check block');
    return { checks, problems: problems.items };
  }
  if (!isSeq(root)) {
    const looksLikeOneCheck = isMap(root);
    problems.error(
      yaml.ref([]),
      `a check block is a YAML list${looksLikeOneCheck ? ": start each check with '- '" : ''}`,
    );
    return { checks, problems: problems.items };
  }
  if (root.items.length > MAX_CHECKS_PER_BLOCK) {
    problems.error(yaml.ref([]), `${root.items.length} checks in one block; at most ${MAX_CHECKS_PER_BLOCK}`);
    return { checks, problems: problems.items };
  }
  const values = yaml.value;
  if (!Array.isArray(values)) return { checks, problems: problems.items };
  values.forEach((value: unknown, index) => {
    const spec = parseItem(value, index, yaml, problems);
    if (spec) checks.push(spec);
  });
  return { checks, problems: sortProblems(problems.items) };
}

function parseItem(value: unknown, index: number, yaml: YamlSource, problems: ProblemList): CheckSpec | null {
  const itemRef = yaml.ref([index], 'value');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.error(itemRef, `check ${index + 1} is not a mapping: write it as '- file: PATH' with fields below`);
    return null;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // `file` is also a field of image checks: with `image` present it is that field, not a second kind.
  const kinds = keys.filter((k) => isCheckKind(k) && !(k === 'file' && 'image' in record));
  if (kinds.length === 0) {
    const first = keys.find((k) => k !== 'hint');
    const message =
      first === undefined
        ? `check ${index + 1} has no kind`
        : `unknown check kind '${first}' (expected one of ${CHECK_KINDS.join(', ')})`;
    problems.error(first === undefined ? itemRef : yaml.ref([index, first]), message);
    return null;
  }
  const [kind, ...more] = kinds as [CheckKind, ...CheckKind[]];
  if (more.length > 0) {
    problems.error(
      yaml.ref([index, more[0] ?? kind]),
      `a check has one kind, but this one has ${kinds.map((k) => `'${k}'`).join(' and ')}: make them separate items`,
    );
    return null;
  }
  const result = KIND_SCHEMAS[kind].safeParse(record, { reportInput: true });
  if (!result.success) {
    reportZodIssues(
      result.error.issues,
      {
        subject: `${kind} check`,
        where: (path, which) => yaml.ref([index, ...path], which),
        allowedKeys: (path) => allowedFields(kind, path),
      },
      problems,
    );
    return null;
  }
  const { [kind]: rawTarget, hint: itemHint, ...fields } = record;
  const spec: CheckSpec = {
    kind,
    target: String(rawTarget),
    fields,
    source: itemRef,
  };
  if (typeof itemHint === 'string') spec.hint = itemHint;
  return spec;
}

/** Re-validates a CheckSpec and gives its fields their kind's types. Throws for a spec that parseCheckList would reject. */
export function typedCheck(spec: CheckSpec): TypedCheck {
  const item: Record<string, unknown> = {
    ...spec.fields,
    [spec.kind]: spec.kind === 'output' ? true : spec.target,
  };
  if (spec.hint !== undefined) item.hint = spec.hint;
  switch (spec.kind) {
    case 'file':
      return { kind: 'file', item: fileCheckSchema.parse(item) };
    case 'tar':
      return { kind: 'tar', item: tarCheckSchema.parse(item) };
    case 'image':
      return { kind: 'image', item: imageCheckSchema.parse(item) };
    case 'command':
      return { kind: 'command', item: commandCheckSchema.parse(item) };
    case 'output':
      return { kind: 'output', item: outputCheckSchema.parse(item) };
    case 'script':
      return { kind: 'script', item: scriptCheckSchema.parse(item) };
  }
}
