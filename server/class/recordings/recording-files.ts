// Where a class's recordings live, and the small JSON record beside each cast. Layout, all names chosen by the
// server: <class db without .sqlite>.casts/<learner id>/<recording id>.cast and <recording id>.json. Every path
// is built from ids checked against a strict pattern and asserted to stay inside the casts folder, so nothing a
// learner types or prints (lesson text, names, output) ever becomes part of a path.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { RecordingState } from '../../protocol/index.ts';

/** Learner ids are base64url (secrets.ts); anything else never names a folder. */
const LEARNER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Recording ids: 16 hex digits (64 random bits). */
const RECORDING_ID_PATTERN = /^[0-9a-f]{16}$/;
const RECORDING_ID_BYTES = 8;

export function isRecordingId(id: string): boolean {
  return RECORDING_ID_PATTERN.test(id);
}

export function newRecordingId(): string {
  return randomBytes(RECORDING_ID_BYTES).toString('hex');
}

/** The casts folder of the class whose database is `classFile`: beside it, one per class. */
export function castsDirOf(classFile: string): string {
  return classFile.replace(/\.sqlite$/, '') + '.casts';
}

export interface RecordingMeta {
  id: string;
  learnerId: string;
  learnerName: string;
  lessonId: string;
  lessonTitle: string;
  terminal: number;
  startedAt: string;
  /** Written when the recording ends; absent while it runs (or if the server stopped first). */
  end?: 'complete' | 'cut' | 'interrupted';
}
const recordingMetaSchema: z.ZodType<RecordingMeta> = z.object({
  id: z.string().regex(RECORDING_ID_PATTERN),
  learnerId: z.string().regex(LEARNER_ID_PATTERN),
  learnerName: z.string(),
  lessonId: z.string(),
  lessonTitle: z.string(),
  terminal: z.number().int().nonnegative(),
  startedAt: z.string(),
  end: z.enum(['complete', 'cut', 'interrupted']).optional(),
});

export interface RecordingPaths {
  cast: string;
  meta: string;
}

/** The files of one recording, or undefined if either id is not one the server could have made. */
export function recordingPaths(castsDir: string, learnerId: string, recordingId: string): RecordingPaths | undefined {
  if (!LEARNER_ID_PATTERN.test(learnerId) || !RECORDING_ID_PATTERN.test(recordingId)) return undefined;
  const root = resolve(castsDir);
  const folder = join(root, learnerId);
  const cast = join(folder, `${recordingId}.cast`);
  // Belt and braces: the patterns already rule out separators and dots.
  if (dirname(cast) !== folder || !folder.startsWith(`${root}${sep}`) || basename(folder) !== learnerId)
    return undefined;
  return { cast, meta: join(folder, `${recordingId}.json`) };
}

/** Creates the learner's folder and the recording's record, before its cast is opened. */
export function writeStartMeta(paths: RecordingPaths, meta: RecordingMeta): void {
  mkdirSync(dirname(paths.cast), { recursive: true, mode: 0o700 });
  writeFileSync(paths.meta, JSON.stringify(meta), { flag: 'wx', mode: 0o600 });
}

/** Replaces the record (a temporary file renamed over it, so a reader sees the old one or the new one). */
export async function writeEndMeta(paths: RecordingPaths, meta: RecordingMeta): Promise<void> {
  const temp = `${paths.meta}.tmp`;
  await writeFile(temp, JSON.stringify(meta), { mode: 0o600 });
  await rename(temp, paths.meta);
}

export async function readMeta(paths: RecordingPaths): Promise<RecordingMeta | undefined> {
  try {
    const parsed = recordingMetaSchema.safeParse(JSON.parse(await readFile(paths.meta, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch (e: unknown) {
    if (isMissing(e) || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

export async function castSize(paths: RecordingPaths): Promise<number> {
  try {
    return (await stat(paths.cast)).size;
  } catch (e: unknown) {
    if (isMissing(e)) return 0;
    throw e;
  }
}

/** The recording ids in a learner's folder (none if the folder does not exist). */
export async function recordingIdsOf(castsDir: string, learnerId: string): Promise<string[]> {
  if (!LEARNER_ID_PATTERN.test(learnerId)) return [];
  try {
    const names = await readdir(join(resolve(castsDir), learnerId));
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .filter(isRecordingId);
  } catch (e: unknown) {
    if (isMissing(e)) return [];
    throw e;
  }
}

/** A recording's state: its live writer's while its terminal is open, else what its record says it ended as. */
export function stateOf(meta: RecordingMeta, live: RecordingState | undefined): RecordingState {
  return live ?? meta.end ?? 'interrupted';
}

function isMissing(e: unknown): boolean {
  return e instanceof Error && 'code' in e && e.code === 'ENOENT';
}

/** Longest part of a download's file name (characters), so the whole name stays short and readable. */
const MAX_FILE_NAME_PART_CHARS = 40;

/** The download's file name, `NAME-LESSON-T1.cast`, in plain ASCII letters, digits, dots, dashes and underscores. */
export function castFileName(meta: Pick<RecordingMeta, 'learnerName' | 'lessonId' | 'terminal'>): string {
  return `${fileNamePart(meta.learnerName, 'learner')}-${fileNamePart(meta.lessonId, 'lesson')}-T${meta.terminal + 1}.cast`;
}

function fileNamePart(text: string, fallback: string): string {
  const part = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // accents off their letters: "José" → "Jose"
    .replace(/[^A-Za-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_FILE_NAME_PART_CHARS)
    .replace(/-+$/, '');
  return part === '' ? fallback : part;
}
