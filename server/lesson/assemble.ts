// Turning built sections into Steps and Pages, and the lesson-wide rules both loaders share.
import { blockCells } from './cells.ts';
import type { Section } from './markdown/sections.ts';
import type { Lesson, LessonFormat, Page, Script, SourceRef, Step } from './model.ts';
import { MAX_TERMINALS } from './native/front-matter-schema.ts';
import type { ProblemList } from './problems.ts';
import type { SlugAllocator } from './slug.ts';

/** A lesson with nothing in it yet: the loaders fill it in. */
export function emptyLesson(id: string, dir: string, format: LessonFormat, title: string): Lesson {
  return {
    id,
    dir,
    format,
    title,
    description: '',
    unlock: 'checks',
    meta: {},
    environment: { requires: [], terminals: 1 },
    setup: [],
    steps: [],
    assets: [],
    problems: [],
  };
}

export function sectionToStep(
  section: Section,
  index: number,
  title: string,
  slugs: SlugAllocator,
  scripts: Script[] = [],
): Step {
  const step: Step = {
    id: slugs.next(title, `step-${index}`),
    index,
    title,
    blocks: section.blocks,
    checks: section.checks,
    scripts,
    hints: section.hints,
    source: section.source,
  };
  if (section.solution !== undefined) step.solution = section.solution;
  return step;
}

export function sectionToPage(section: Section, title: string | undefined, scripts: Script[] = []): Page {
  const page: Page = { blocks: section.blocks, scripts, source: section.source };
  if (title !== undefined) page.title = title;
  return page;
}

export function sectionIsEmpty(section: Section): boolean {
  return (
    section.blocks.length === 0 &&
    section.checks.length === 0 &&
    section.hints.length === 0 &&
    section.solution === undefined
  );
}

/**
 * Every cell must aim at a terminal the lesson has: T1..T16, and no higher than `declared` when the lesson
 * declares a count. Sets environment.terminals to the declared count or the highest terminal used.
 */
export function settleTerminals(
  lesson: Lesson,
  declared: { count: number; at: SourceRef } | undefined,
  problems: ProblemList,
): void {
  let highest = 1;
  for (const part of [lesson.intro, ...lesson.steps, lesson.finish]) {
    if (!part) continue;
    for (const cell of blockCells(part.blocks)) {
      if (cell.terminal < 1 || cell.terminal > MAX_TERMINALS) {
        problems.error(
          cell.source,
          `cell aimed at T${cell.terminal}, a terminal that cannot exist: terminals are T1 to T${MAX_TERMINALS}`,
        );
        cell.terminal = 1;
      } else if (declared && cell.terminal > declared.count) {
        problems.error(
          cell.source,
          `cell aimed at T${cell.terminal}, but the lesson has ${declared.count} terminal${declared.count === 1 ? '' : 's'} (environment.terminals at line ${declared.at.line})`,
        );
      }
      highest = Math.max(highest, cell.terminal);
      if (cell.host !== undefined && cell.host > 1) {
        problems.warning(
          cell.source,
          `HOST${cell.host}: stepwise gives each learner one host, so this cell runs there`,
        );
      }
    }
  }
  lesson.environment.terminals = declared?.count ?? highest;
}
