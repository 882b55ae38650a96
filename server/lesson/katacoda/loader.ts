// Katacoda and Killercoda scenarios: a folder with index.json naming markdown pages, scripts and assets.
// Both dialects load into the one Lesson model; whatever stepwise cannot honour is kept and reported.
import { basename, join, relative, resolve } from 'node:path';
import { emptyLesson, sectionToPage, sectionToStep, settleTerminals } from '../assemble.ts';
import { resolveInside } from '../lesson-paths.ts';
import { parseJsonSource } from '../json-source.ts';
import type { Located } from '../json-source.ts';
import { buildSections } from '../markdown/sections.ts';
import type { Section } from '../markdown/sections.ts';
import type { CheckSpec, Lesson, Page, Script, SourceRef, Step } from '../model.ts';
import { ProblemList, sortProblems } from '../problems.ts';
import { SlugAllocator } from '../slug.ts';
import { readLessonText } from '../text-file.ts';
import type { PathKey } from '../yaml-source.ts';
import { dropInvalid, reportZodIssues } from '../zod-problems.ts';
import { resolveKatacodaAssets } from './assets.ts';
import { DETAILS_KEYS, detailsSchema, indexSchema, PAGE_KEYS, pageSchema, ROOT_KEYS } from './index-schema.ts';
import type { IndexPage } from './index-schema.ts';
import { substitutePlaceholders } from './placeholders.ts';
import type { z } from 'zod';

/** index.json names a script under one of these keys; Katacoda's spellings first, Killercoda's second. */
const SCRIPT_KEYS: readonly {
  key: 'courseData' | 'background' | 'code' | 'foreground' | 'verify';
  kind: Script['kind'];
}[] = [
  { key: 'courseData', kind: 'background' },
  { key: 'background', kind: 'background' },
  { key: 'code', kind: 'foreground' },
  { key: 'foreground', kind: 'foreground' },
  { key: 'verify', kind: 'verify' },
];

export async function loadKatacodaLesson(dir: string, indexFile: string, id: string): Promise<Lesson> {
  const problems = new ProblemList();
  const lesson = emptyLesson(id, resolve(dir), 'katacoda', basename(resolve(dir)));
  const json = parseJsonSource(await readLessonText(indexFile), indexFile, problems);
  const reader = json ? new IndexReader(dir, json, lesson, problems) : null;
  if (reader) await reader.read();
  settleTerminals(lesson, undefined, problems);
  lesson.problems = sortProblems(problems.items);
  return lesson;
}

class IndexReader {
  constructor(
    private readonly dir: string,
    private readonly json: Located,
    private readonly lesson: Lesson,
    private readonly problems: ProblemList,
  ) {}

  async read(): Promise<void> {
    const root = this.validate(indexSchema, this.json.value, [], 'index.json');
    if (!root) return;
    const lesson = this.lesson;
    if (root.title !== undefined) lesson.title = root.title;
    if (root.description !== undefined) lesson.description = root.description;
    if (root.difficulty !== undefined) lesson.difficulty = root.difficulty;
    if (root.time !== undefined) lesson.time = root.time;
    this.keepUnknown(root, [], ROOT_KEYS);
    this.readBackend(root);
    if (root.type !== undefined) lesson.meta.type = root.type;
    const rawDetails: unknown = (this.json.value as Record<string, unknown>).details;
    if (root.type === 'jupyter') {
      // Killercoda's Jupyter scenarios open a notebook server instead of pages; their index.json has no details.
      this.problems.warning(
        this.ref(['type'], 'value'),
        "a Killercoda Jupyter scenario (type: jupyter): it opens Killercoda's notebook server, which stepwise does not run; load its .ipynb file as a lesson instead",
      );
      if (rawDetails === undefined) return;
    }
    if (rawDetails === undefined) {
      this.problems.note(
        this.ref([]),
        'no details: the scenario has no intro, steps or finish, so it shows only its title and description',
      );
      return;
    }
    const details = this.validate(detailsSchema, rawDetails, ['details'], 'details');
    if (!details) return;
    this.keepUnknown(details, ['details'], DETAILS_KEYS);
    const stepCount = details.steps?.length ?? 0;
    const rawSteps = (rawDetails as Record<string, unknown>).steps;
    if (stepCount === 0 && (rawSteps === undefined || Array.isArray(rawSteps))) {
      if (details.intro || details.finish) {
        this.problems.note(this.ref(['details']), 'an intro-only scenario: no steps, so nothing is checked');
      } else {
        this.problems.error(this.ref(['details']), 'details.steps is empty: a scenario needs at least one step');
      }
    }
    if (details.intro) lesson.intro = await this.readPage(details.intro, ['details', 'intro'], 's0');
    const slugs = new SlugAllocator();
    for (let i = 0; i < stepCount; i++) {
      const page = this.validate(pageSchema, details.steps?.[i], ['details', 'steps', i], `step ${i + 1}`) ?? {};
      lesson.steps.push(await this.readStep(page, i + 1, slugs));
    }
    if (details.finish) lesson.finish = await this.readPage(details.finish, ['details', 'finish'], `s${stepCount + 1}`);
    lesson.assets = await resolveKatacodaAssets(
      this.dir,
      details.assets ?? {},
      (path) => this.ref(['details', 'assets', ...path]),
      this.problems,
    );
  }

  private readBackend(root: Pick<z.infer<typeof indexSchema>, 'backend' | 'interface' | 'environment'>): void {
    const { backend, interface: ui, environment } = root;
    if (backend) {
      this.keepUnknown(backend, ['backend'], ['imageid']);
      if (backend.imageid !== undefined) {
        this.lesson.environment.image = backend.imageid;
        this.problems.note(
          this.ref(['backend', 'imageid'], 'value'),
          `backend.imageid '${backend.imageid}' is kept for reference: stepwise runs lessons on its own backend`,
        );
      }
    }
    if (ui) {
      this.keepUnknown(ui, ['interface'], ['layout']);
      if (ui.layout !== undefined) this.layout(ui.layout, this.ref(['interface', 'layout'], 'value'));
    }
    for (const [key, value] of Object.entries(environment ?? {})) {
      const at = this.ref(['environment', key]);
      if (key === 'uilayout' && typeof value === 'string') this.layout(value, at);
      else {
        this.lesson.meta[`environment.${key}`] = value;
        this.problems.warning(at, `Katacoda environment.${key} is not supported by stepwise; kept as metadata`);
      }
    }
  }

  /** Layouts load and are reported: terminal layouts are what stepwise shows; an IDE or editor is not. */
  private layout(layout: string, at: SourceRef): void {
    this.lesson.meta.layout = layout;
    if (/^terminal/i.test(layout))
      this.problems.note(at, `layout '${layout}': stepwise shows the lesson beside its terminals`);
    else
      this.problems.warning(at, `layout '${layout}' is not supported: stepwise shows the lesson beside its terminals`);
  }

  private async readStep(page: IndexPage, index: number, slugs: SlugAllocator): Promise<Step> {
    const path: PathKey[] = ['details', 'steps', index - 1];
    const { section, title, scripts } = await this.readParts(page, path, `s${index}`);
    const step = sectionToStep(section, index, title ?? `Step ${index}`, slugs, scripts);
    step.checks.push(...verifyChecks(scripts, this.lesson.dir));
    if (page.answer !== undefined) {
      const answer = await this.readMarkdown(page.answer, [...path, 'answer'], 'answer');
      if (answer !== null) step.solution = answer.join('\n').trim();
    }
    return step;
  }

  private async readPage(raw: unknown, path: PathKey[], prefix: string): Promise<Page> {
    const page = this.validate(pageSchema, raw, path, String(path[path.length - 1])) ?? {};
    const { section, title, scripts } = await this.readParts(page, path, prefix);
    for (const key of ['verify', 'answer'] as const) {
      if (page[key] !== undefined)
        this.problems.warning(this.ref([...path, key]), `'${key}' only means something on a step; ignored here`);
    }
    return sectionToPage(
      section,
      title,
      scripts.filter((s) => s.kind !== 'verify'),
    );
  }

  private async readParts(
    page: IndexPage,
    path: PathKey[],
    prefix: string,
  ): Promise<{ section: Section; title: string | undefined; scripts: Script[] }> {
    this.keepUnknown(page, path, PAGE_KEYS);
    const empty: Section = { source: this.ref(path), blocks: [], checks: [], hints: [] };
    let section = empty;
    // An empty title ("title": "") shows the page's leading heading, else "Step N", as a missing one does.
    let title = page.title?.trim() === '' ? undefined : page.title;
    if (page.text === undefined) {
      this.problems.warning(this.ref(path), "no 'text': this page has no markdown");
    } else {
      const lines = await this.readMarkdown(page.text, [...path, 'text'], 'text');
      if (lines !== null) {
        const file = join(this.dir, page.text);
        const built = buildSections(
          lines,
          {
            file,
            lineOffset: 0,
            native: false,
            splitSteps: false,
            takeTitle: title === undefined ? 'first-heading' : 'none',
            cellPrefix: () => prefix,
          },
          this.problems,
        );
        section = built.sections[0] ?? empty;
        title ??= built.title?.text;
      }
    }
    return { section, title, scripts: await this.readScripts(page, path) };
  }

  /** A markdown file named by index.json, placeholders substituted; null (and an error) when it cannot be read. */
  private async readMarkdown(name: string, path: PathKey[], what: string): Promise<string[] | null> {
    const at = this.ref(path, 'value');
    const resolved = await resolveInside(this.dir, name);
    if (!resolved.ok) {
      this.problems.error(at, `${what} ${resolved.reason}`);
      return null;
    }
    if (!resolved.exists) {
      this.problems.error(at, `${what} file '${name}' is missing`);
      return null;
    }
    const lines = (await readLessonText(join(this.dir, name))).split('\n');
    substitutePlaceholders(lines, join(this.dir, name), 0, this.problems);
    return lines;
  }

  private async readScripts(page: IndexPage, path: PathKey[]): Promise<Script[]> {
    const scripts: Script[] = [];
    for (const { key, kind } of SCRIPT_KEYS) {
      const name = page[key];
      if (typeof name !== 'string') continue;
      const at = this.ref([...path, key], 'value');
      if (scripts.some((s) => s.kind === kind)) this.problems.warning(at, `a second ${kind} script: both run`);
      const resolved = await resolveInside(this.dir, name);
      if (!resolved.ok) {
        this.problems.error(at, `${kind} script ${resolved.reason}`);
        continue;
      }
      if (!resolved.exists) this.problems.warning(at, `${kind} script '${name}' is missing`);
      scripts.push({ kind, path: resolved.path, exists: resolved.exists, source: at });
    }
    return scripts;
  }

  // ---- validation and unknown keys

  /** Validates, reports what is wrong, and keeps what is valid (a mapping without its failing keys), else null. */
  private validate<T extends z.ZodType>(
    schema: T,
    value: unknown,
    path: PathKey[],
    subject: string,
  ): z.infer<T> | null {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    reportZodIssues(
      result.error.issues,
      { subject, where: (p, which) => this.ref([...path, ...p], which) },
      this.problems,
    );
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const kept = structuredClone(value) as Record<string, unknown>;
    dropInvalid(kept, result.error.issues);
    const retry = schema.safeParse(kept);
    return retry.success ? retry.data : null;
  }

  /** Keys stepwise does not read are kept in lesson.meta under their dotted path and reported. */
  private keepUnknown(value: object, path: PathKey[], known: readonly string[]): void {
    for (const [key, v] of Object.entries(value)) {
      if (known.includes(key)) continue;
      const dotted = [...path, key]
        .map((k) => (typeof k === 'number' ? `[${k}]` : k))
        .join('.')
        .replace(/\.\[/g, '[');
      this.lesson.meta[dotted] = v;
      this.problems.warning(this.ref([...path, key]), `'${dotted}' is not supported by stepwise; kept as metadata`);
    }
  }

  private ref(path: readonly PathKey[], which: 'key' | 'value' = 'key'): SourceRef {
    return this.json.ref(path, which);
  }
}

/** A step's verify script is also its check, so `checks` says everything a step must pass. */
function verifyChecks(scripts: readonly Script[], lessonDir: string): CheckSpec[] {
  return scripts
    .filter((s) => s.kind === 'verify' && s.exists)
    .map((s) => ({ kind: 'script', target: relative(lessonDir, s.path), fields: {}, source: s.source }));
}
