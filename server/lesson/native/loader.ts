// Native lessons: a markdown file with optional YAML front matter, `## ` steps, cells, and check/hint/solution blocks.
// Plain tutorials are native lessons that use none of the extras.
import { basename, dirname, resolve } from 'node:path';
import { emptyLesson, sectionIsEmpty, sectionToPage, sectionToStep, settleTerminals } from '../assemble.ts';
import { splitFrontMatter } from '../front-matter.ts';
import { resolveInside } from '../lesson-paths.ts';
import { buildSections } from '../markdown/sections.ts';
import type { BuildOptions, BuiltMarkdown } from '../markdown/sections.ts';
import type { Asset, Lesson, SourceRef } from '../model.ts';
import { ProblemList, sortProblems } from '../problems.ts';
import { SlugAllocator } from '../slug.ts';
import { readLessonText } from '../text-file.ts';
import { parseYamlSource } from '../yaml-source.ts';
import type { YamlSource } from '../yaml-source.ts';
import { dropInvalid, reportZodIssues } from '../zod-problems.ts';
import { ENVIRONMENT_KEYS, FRONT_MATTER_KEYS, frontMatterSchema } from './front-matter-schema.ts';
import { staticRequirementProblems } from '../requirements.ts';
import type { FrontMatter } from './front-matter-schema.ts';

export async function loadNativeLesson(file: string, id: string): Promise<Lesson> {
  const lines = (await readLessonText(file)).split('\n');
  const problems = new ProblemList();
  const split = splitFrontMatter(lines);
  if (split.unclosed) {
    problems.error({ file, line: 1 }, "front matter opened with '---' never closes: end it with a line of '---'");
  }
  const front = split.yaml === null ? null : readFrontMatter(split.yaml, file, split.yamlLine, problems);
  const built = buildBody(lines.slice(split.bodyStart), file, split.bodyStart, problems);
  const [preamble, ...stepSections] = built.markdown.sections;
  const title = front?.value.title ?? built.markdown.title?.text ?? basename(file, '.md');
  const slugs = new SlugAllocator();

  const lesson = emptyLesson(id, resolve(dirname(file)), 'native', title);
  if (front) applyFrontMatter(lesson, front);

  if (built.singleStep && preamble) {
    lesson.steps = [sectionToStep(preamble, 1, title, slugs)];
    problems.note(preamble.source, "no '## ' step headings: the whole text is one step");
  } else {
    lesson.steps = stepSections.map((s, i) => sectionToStep(s, i + 1, s.title ?? `Step ${i + 1}`, slugs));
    if (preamble && !sectionIsEmpty(preamble)) {
      if (preamble.checks.length > 0 || preamble.hints.length > 0 || preamble.solution !== undefined) {
        problems.warning(
          preamble.source,
          'check, hint and solution blocks before the first step are ignored: put them under a step',
        );
      }
      if (preamble.blocks.length > 0) lesson.intro = sectionToPage(preamble, undefined);
    }
  }
  if (front) {
    lesson.assets = await resolveAssets(front.value.assets ?? [], lesson.dir, front.yaml, problems);
    checkEnvironment(front.value, front.yaml, problems);
  }
  const declared = front?.value.environment?.terminals;
  settleTerminals(
    lesson,
    declared === undefined || !front
      ? undefined
      : { count: declared, at: front.yaml.ref(['environment', 'terminals']) },
    problems,
  );
  lesson.problems = sortProblems(problems.items);
  return lesson;
}

/**
 * Steps start at `## `. A text without any is one step; its cells are then numbered as step 1's, so the body is
 * built again with that numbering (ids are written into the prose, so they cannot be renamed afterwards).
 */
function buildBody(
  lines: string[],
  file: string,
  lineOffset: number,
  problems: ProblemList,
): { markdown: BuiltMarkdown; singleStep: boolean } {
  const opts: BuildOptions = {
    file,
    lineOffset,
    native: true,
    splitSteps: true,
    takeTitle: 'lesson-h1',
    cellPrefix: (i) => `s${i}`,
  };
  const trial = new ProblemList();
  const markdown = buildSections(lines, opts, trial);
  if (markdown.sections.length > 1) {
    problems.addAll(trial.items);
    return { markdown, singleStep: false };
  }
  return { markdown: buildSections(lines, { ...opts, cellPrefix: () => 's1' }, problems), singleStep: true };
}

interface ReadFrontMatter {
  value: FrontMatter;
  meta: Record<string, unknown>;
  yaml: YamlSource;
}

function readFrontMatter(text: string, file: string, yamlLine: number, problems: ProblemList): ReadFrontMatter | null {
  const yaml = parseYamlSource(text, file, yamlLine, problems);
  if (!yaml) return null;
  const raw = yaml.value ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.error(yaml.ref([]), 'front matter must be a YAML mapping of keys such as title: and description:');
    return null;
  }
  const record = { ...(raw as Record<string, unknown>) };
  let result = frontMatterSchema.safeParse(record, { reportInput: true });
  if (!result.success) {
    reportZodIssues(
      result.error.issues,
      {
        subject: 'front matter',
        where: (path, which) => yaml.ref(path, which),
        allowedKeys: (path) => (path[0] === 'environment' && path.length === 1 ? ENVIRONMENT_KEYS : []),
      },
      problems,
    );
    // Keep what is valid: drop what failed and read the rest.
    dropInvalid(record, result.error.issues);
    result = frontMatterSchema.safeParse(record);
    if (!result.success) return null;
  }
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (FRONT_MATTER_KEYS.includes(key)) continue;
    meta[key] = value;
    problems.note(yaml.ref([key]), `front matter key '${key}' is not one stepwise reads; kept as metadata`);
  }
  return { value: result.data, meta, yaml };
}

function applyFrontMatter(lesson: Lesson, front: ReadFrontMatter): void {
  const { value } = front;
  lesson.description = value.description ?? '';
  lesson.unlock = value.unlock ?? 'checks';
  lesson.meta = front.meta;
  lesson.setup = setupCommands(value.setup);
  lesson.environment.requires = value.environment?.requires ?? [];
  if (value.environment?.backend) lesson.environment.backend = value.environment.backend;
  if (value.environment?.image) lesson.environment.image = value.environment.image;
  if (value.difficulty !== undefined) lesson.difficulty = value.difficulty;
  if (value.time !== undefined) lesson.time = typeof value.time === 'number' ? `${value.time} minutes` : value.time;
}

function setupCommands(setup: FrontMatter['setup']): string[] {
  if (setup === undefined) return [];
  return (typeof setup === 'string' ? [setup] : setup).filter((c) => c.trim() !== '');
}

function checkEnvironment(front: FrontMatter, yaml: YamlSource, problems: ProblemList): void {
  const environment = {
    requires: front.environment?.requires ?? [],
    ...(front.environment?.backend ? { backend: front.environment.backend } : {}),
  };
  for (const { at, message } of staticRequirementProblems(environment)) {
    problems.warning(
      yaml.ref(at === 'backend' ? ['environment', 'backend'] : ['environment', 'requires', at], 'value'),
      message,
    );
  }
}

async function resolveAssets(
  entries: NonNullable<FrontMatter['assets']>,
  dir: string,
  yaml: YamlSource,
  problems: ProblemList,
): Promise<Asset[]> {
  const assets: Asset[] = [];
  for (const [i, entry] of entries.entries()) {
    const at: SourceRef = yaml.ref(['assets', i], 'value');
    const spec = typeof entry === 'string' ? { file: entry } : entry;
    const resolved = await resolveInside(dir, spec.file);
    if (!resolved.ok) {
      problems.error(at, `asset ${resolved.reason}`);
      continue;
    }
    const target = spec.target ?? spec.file;
    if (target.startsWith('/') || target.split('/').includes('..')) {
      problems.error(at, `asset target '${target}' must stay inside the learner's working directory`);
      continue;
    }
    if (!resolved.exists) problems.warning(at, `asset '${spec.file}' does not exist in the lesson folder`);
    const asset: Asset = { file: resolved.path, target };
    if (spec.chmod !== undefined) asset.chmod = spec.chmod;
    assets.push(asset);
  }
  return assets;
}
