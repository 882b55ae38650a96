// One lesson under `stepwise check`: a session on the chosen backend, the lesson's setup and intro scripts,
// then its steps in order. A problem that stops the lesson (errors in the lesson file, no environment, a
// failing setup, a shell that will not start) fails every asserted step that did not run, with the reason.
import { BackendError, runSetup, type ProvisionPhase, type Provider } from '../environment/index.ts';
import { TerminalError } from '../terminal/index.ts';
import type { Lesson, Step } from '../lesson/index.ts';
import { CheckSession } from './check-session.ts';
import { runStep, type StepState } from './run-step.ts';
import type { LessonRun, StepRun } from './results.ts';
import type { Reporter } from './reporters/reporter.ts';

export interface LessonOptions {
  provider: Provider;
  /** --step N: steps 1..N-1 run without asserting, then step N; later steps do not run. */
  step?: number;
  /** Each cell, setup command and script (ms). */
  timeoutMs: number;
  keep: boolean;
  /** Told about the live session, so an interrupted run can still destroy it. */
  onSession?: (session: CheckSession | null) => void;
  /** Ctrl-C: no further step starts, and the environment is removed before runLesson returns. */
  signal?: AbortSignal;
}

/** A stop that ends the lesson: only these become "not run" reasons; anything else is a bug and throws. */
function stopReason(e: unknown): string {
  if (e instanceof BackendError || e instanceof TerminalError) return e.message;
  throw e;
}

function notRun(lesson: Lesson, step: Step, asserted: boolean, reason: string): StepRun {
  return {
    lessonId: lesson.id,
    index: step.index,
    id: step.id,
    title: step.title,
    source: step.source,
    status: asserted ? 'failed' : 'unasserted',
    before: [],
    after: [],
    cells: [],
    failure: `not run: ${reason}`,
    durationMs: 0,
  };
}

export async function runLesson(lesson: Lesson, opts: LessonOptions, reporter: Required<Reporter>): Promise<LessonRun> {
  const t0 = performance.now();
  const steps = opts.step === undefined ? lesson.steps : lesson.steps.slice(0, opts.step);
  const isAsserted = (step: Step) => opts.step === undefined || step.index === opts.step;
  reporter.lessonStart(lesson, { backend: opts.provider.name, asserted: steps.filter(isAsserted).map((s) => s.index) });
  const run: LessonRun = {
    lessonId: lesson.id,
    title: lesson.title,
    dir: lesson.dir,
    backend: opts.provider.name,
    steps: [],
    durationMs: 0,
  };

  const stopAll = (from: number, reason: string) => {
    run.error ??= reason;
    for (const step of steps.slice(from)) {
      const skipped = notRun(lesson, step, isAsserted(step), reason);
      reporter.stepEnd(skipped);
      run.steps.push(skipped);
    }
  };

  const errors = lesson.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    stopAll(
      0,
      `the lesson has errors (run stepwise lint): ${errors.map((p) => `${p.file}:${p.line}: ${p.message}`).join('; ')}`,
    );
  } else {
    let session: CheckSession | null = null;
    const t1 = performance.now();
    try {
      session = await CheckSession.open(opts.provider, lesson);
      opts.onSession?.(session);
      reporter.phase(
        lesson,
        'environment',
        `${opts.provider.name}, ${session.describe()}`,
        performance.now() - t1,
        true,
      );
    } catch (e: unknown) {
      stopAll(0, `no environment: ${stopReason(e)}`);
    }
    if (session !== null) {
      try {
        const onPhase = (p: ProvisionPhase) => reporter.phase(lesson, p.phase, p.detail, p.ms, p.ok);
        const stopped = opts.signal?.aborted
          ? 'the run was interrupted'
          : ((await runSetup(session.env, lesson, { timeoutMs: opts.timeoutMs, onPhase })) ??
            (await session.runScripts(lesson.intro?.scripts ?? [], opts.timeoutMs, reporter)));
        if (stopped !== null) stopAll(0, stopped);
        const state: StepState = { lastRun: undefined };
        for (const [i, step] of steps.entries()) {
          if (stopped !== null || opts.signal?.aborted) break;
          try {
            run.steps.push(
              await runStep(
                lesson,
                step,
                session,
                state,
                { asserted: isAsserted(step), cellTimeoutMs: opts.timeoutMs },
                reporter,
              ),
            );
          } catch (e: unknown) {
            stopAll(i, `${step.title}: ${stopReason(e)}`);
            break;
          }
        }
      } finally {
        await session.dispose(opts.keep);
        opts.onSession?.(null);
        if (opts.keep)
          reporter.phase(lesson, 'kept', `the environment is left for you: ${session.describe()}`, 0, true);
      }
    }
  }
  run.durationMs = Math.round(performance.now() - t0);
  reporter.lessonEnd(run);
  return run;
}
