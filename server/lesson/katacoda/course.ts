// Courses: Killercoda's structure.json ({ title?, description?, items: [{ path, title }] }) and Katacoda's
// NAME-pathway.json ({ pathway_id?, title, description, courses: [{ course_id, title }] }, whose lessons live in
// NAME/course_id). A pathway entry without course_id (an external link, or `pathway_id` naming another pathway)
// is not a lesson here: it is kept in `links`, and the rest of the pathway still loads.
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { parseJsonSource } from '../json-source.ts';
import type { Located } from '../json-source.ts';
import { isFile } from '../locate.ts';
import type { Problem } from '../model.ts';
import { ProblemList } from '../problems.ts';
import { readLessonText } from '../text-file.ts';
import { reportZodIssues } from '../zod-problems.ts';

export const STRUCTURE_FILE = 'structure.json';
export const PATHWAY_SUFFIX = '-pathway.json';

export interface Course {
  id: string; // the course file's folder (structure.json) or path without .json (pathway), relative to the root
  title: string;
  description: string;
  file: string;
  /** Lesson ids in course order, relative to the same root as discoverLessons uses. */
  lessons: { id: string; title?: string }[];
  /** Pathway entries that are not lessons here: other pathways (by pathway_id) and external links. */
  links: { title?: string; pathway?: string; url?: string }[];
  /** Keys stepwise does not read, by dotted path. */
  meta: Record<string, unknown>;
  problems: Problem[];
}

const structureSchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  items: z.array(z.looseObject({ path: z.string().min(1), title: z.string().optional() })),
});
const PATHWAY_ENTRY_KEYS = ['course_id', 'pathway_id', 'external_link', 'title', 'description'] as const;
const pathwaySchema = z.looseObject({
  pathway_id: z.string().min(1).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  courses: z.array(
    z.looseObject({
      course_id: z.string().min(1).optional(),
      pathway_id: z.string().min(1).optional(),
      external_link: z.string().min(1).optional(),
      title: z.string().optional(),
      description: z.string().optional(),
    }),
  ),
});

export function isCourseFile(name: string): boolean {
  return name === STRUCTURE_FILE || name.endsWith(PATHWAY_SUFFIX);
}

export async function loadCourse(file: string, root: string): Promise<Course> {
  const problems = new ProblemList();
  const pathway = basename(file).endsWith(PATHWAY_SUFFIX);
  const folder = pathway ? join(dirname(file), basename(file).slice(0, -PATHWAY_SUFFIX.length)) : dirname(file);
  const course: Course = {
    id: toId(root, pathway ? file.slice(0, -'.json'.length) : dirname(file)),
    title: basename(folder),
    description: '',
    file,
    lessons: [],
    links: [],
    meta: {},
    problems: [],
  };
  const json = parseJsonSource(await readLessonText(file), file, problems);
  if (json) {
    const entries = pathway ? readPathway(json, course, problems) : readStructure(json, course, problems);
    for (const entry of entries) {
      const lessonDir = join(folder, entry.path);
      if (!(await isFile(join(lessonDir, 'index.json'))) && !(await isFile(join(lessonDir, 'lesson.md')))) {
        problems.warning(entry.at, `course lists '${entry.path}', but ${lessonDir} holds no lesson`);
      }
      const lesson: Course['lessons'][number] = { id: toId(root, lessonDir) };
      if (entry.title !== undefined) lesson.title = entry.title;
      course.lessons.push(lesson);
    }
  }
  course.problems = problems.items;
  return course;
}

interface CourseEntry {
  path: string;
  title: string | undefined;
  at: { file: string; line: number };
}

function readStructure(json: Located, course: Course, problems: ProblemList): CourseEntry[] {
  const result = structureSchema.safeParse(json.value, { reportInput: true });
  if (!result.success) {
    reportZodIssues(result.error.issues, { subject: STRUCTURE_FILE, where: (p, w) => json.ref(p, w) }, problems);
    return [];
  }
  if (result.data.title !== undefined) course.title = result.data.title;
  if (result.data.description !== undefined) course.description = result.data.description;
  reportUnknown(result.data, [], ['title', 'description', 'items'], json, course, problems);
  return result.data.items.map((item, i) => {
    reportUnknown(item, ['items', i], ['path', 'title'], json, course, problems);
    return { path: item.path, title: item.title, at: json.ref(['items', i, 'path'], 'value') };
  });
}

function readPathway(json: Located, course: Course, problems: ProblemList): CourseEntry[] {
  const result = pathwaySchema.safeParse(json.value, { reportInput: true });
  if (!result.success) {
    reportZodIssues(result.error.issues, { subject: 'pathway', where: (p, w) => json.ref(p, w) }, problems);
    return [];
  }
  if (result.data.title !== undefined) course.title = result.data.title;
  if (result.data.description !== undefined) course.description = result.data.description;
  if (result.data.pathway_id !== undefined) course.meta.pathway_id = result.data.pathway_id;
  reportUnknown(result.data, [], ['pathway_id', 'title', 'description', 'courses'], json, course, problems);
  const entries: CourseEntry[] = [];
  result.data.courses.forEach((c, i) => {
    reportUnknown(c, ['courses', i], PATHWAY_ENTRY_KEYS, json, course, problems);
    if (c.course_id !== undefined) {
      entries.push({ path: c.course_id, title: c.title, at: json.ref(['courses', i, 'course_id'], 'value') });
      return;
    }
    const link: Course['links'][number] = {};
    if (c.title !== undefined) link.title = c.title;
    if (c.pathway_id !== undefined) link.pathway = c.pathway_id;
    if (c.external_link !== undefined) link.url = c.external_link;
    course.links.push(link);
    const what =
      c.pathway_id !== undefined
        ? `another pathway ('${c.pathway_id}')`
        : c.external_link !== undefined
          ? `an external page (${c.external_link})`
          : 'nothing stepwise knows';
    problems.note(
      json.ref(['courses', i]),
      `this entry has no course_id: it names ${what}, so it is kept as a link, not a lesson`,
    );
  });
  return entries;
}

function reportUnknown(
  value: object,
  path: (string | number)[],
  known: readonly string[],
  json: Located,
  course: Course,
  problems: ProblemList,
): void {
  for (const [key, v] of Object.entries(value)) {
    if (known.includes(key)) continue;
    const dotted = [...path, key].join('.');
    course.meta[dotted] = v;
    problems.warning(json.ref([...path, key]), `course key '${dotted}' is not supported by stepwise; kept as metadata`);
  }
}

function toId(root: string, path: string): string {
  return relative(resolve(root), resolve(path)).split(sep).join('/') || '.';
}
