// The pages of a lesson (intro, steps, finish), which of them are open, and where Catch up leads.
// Pure: unit-tested under node.
import type { BlockView, LessonView, StepView } from '../../server/protocol/index.ts';

export type LessonPage =
  | { kind: 'intro'; key: 'intro'; title: string; blocks: BlockView[] }
  | { kind: 'step'; key: string; title: string; step: StepView }
  | { kind: 'finish'; key: 'finish'; title: string; blocks: BlockView[] };

export function lessonPages(view: LessonView): LessonPage[] {
  const pages: LessonPage[] = [];
  if (view.intro && view.intro.length > 0)
    pages.push({ kind: 'intro', key: 'intro', title: 'Introduction', blocks: view.intro });
  for (const step of view.steps) pages.push({ kind: 'step', key: step.id, title: step.title, step });
  if (view.finish && view.finish.length > 0)
    pages.push({ kind: 'finish', key: 'finish', title: 'Finish', blocks: view.finish });
  return pages;
}

/**
 * A step is open when the lesson says `unlock: free`, or when every step before it is complete.
 * The intro is always open; the finish page opens with the last step.
 */
export function isPageOpen(view: LessonView, completed: ReadonlySet<string>, page: LessonPage): boolean {
  if (view.unlock === 'free' || page.kind === 'intro') return true;
  return stepsBefore(view, page.kind === 'finish' ? null : page.step).every((s) => completed.has(s.id));
}

/** The first step not yet complete, or null when all are. */
export function firstIncompleteStep(view: LessonView, completed: ReadonlySet<string>): StepView | null {
  return view.steps.find((s) => !completed.has(s.id)) ?? null;
}

/**
 * Where a fresh environment should be brought to: the step whose earlier steps' cells Catch up replays
 * (`catchUp {stepId}`). Null when there is nothing to replay (no step before the learner's place is complete).
 * When every step is complete the target is the last step, so all but its own cells are replayed.
 */
export function catchUpTarget(view: LessonView, completed: ReadonlySet<string>): StepView | null {
  if (view.steps.length < 2) return null;
  const target = firstIncompleteStep(view, completed) ?? view.steps[view.steps.length - 1]!;
  return stepsBefore(view, target).some((s) => completed.has(s.id)) ? target : null;
}

/** The steps before `step` in lesson order (all steps for null). Position comes from the array, not `index`. */
function stepsBefore(view: LessonView, step: StepView | null): StepView[] {
  if (step === null) return view.steps;
  const at = view.steps.findIndex((s) => s.id === step.id);
  return at < 0 ? view.steps : view.steps.slice(0, at);
}

/** The page to show first: the one the URL names if open, else the first incomplete step, else the first page. */
export function initialPageIndex(view: LessonView, completed: ReadonlySet<string>, wanted: string | null): number {
  const pages = lessonPages(view);
  if (wanted !== null) {
    const i = pages.findIndex((p) => p.key === wanted);
    if (i >= 0 && isPageOpen(view, completed, pages[i]!)) return i;
  }
  const next = firstIncompleteStep(view, completed);
  if (next && completed.size > 0) {
    const i = pages.findIndex((p) => p.key === next.id);
    if (i >= 0) return i;
  }
  return 0;
}
