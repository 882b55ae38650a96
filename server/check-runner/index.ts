// `stepwise check PATH...`: load the lessons, preflight their requirements, run each in a fresh environment
// and report. Returns the exit code: 0 all passed, 1 any failed or vacuous step, 2 usage or unmet requirement.
import { stat } from 'node:fs/promises';
import { discoverLessons, isLessonError, loadLesson } from '../lesson/index.ts';
import type { Lesson } from '../lesson/model.ts';
import { createBackend } from '../terminal/backends/index.ts';
import { dockerHostFromEnv } from '../terminal/docker-host.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../cli/exit-codes.ts';
import type { CheckSession } from './check-session.ts';
import { UsageError, type CheckOptions } from './options.ts';
import { Preflight } from './preflight.ts';
import { runLesson } from './run-lesson.ts';
import { summarise, summaryLine, type LessonRun } from './results.ts';
import { fanOut, type Reporter } from './reporters/reporter.ts';
import { ProgressReporter } from './reporters/progress.ts';
import { TapReporter } from './reporters/tap.ts';
import { JunitReporter } from './reporters/junit.ts';
import { NotebookReporter } from './reporters/notebook.ts';

export interface CheckIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** A lesson path, or a folder of lessons. */
async function lessonsAt(path: string): Promise<Lesson[]> {
  try {
    return [await loadLesson(path)];
  } catch (e: unknown) {
    if (!isLessonError(e)) throw e;
    if (e.code === 'LESSON_NOT_A_LESSON' && (await stat(path)).isDirectory()) {
      const found = await discoverLessons(path);
      if (found.length > 0) return found;
    }
    throw new UsageError(e.message);
  }
}

function validateStep(lessons: readonly Lesson[], step: number | undefined): void {
  if (step === undefined) return;
  for (const lesson of lessons) {
    if (step > lesson.steps.length) throw new UsageError(`--step ${step}: ${lesson.id} has ${lesson.steps.length} step${lesson.steps.length === 1 ? '' : 's'}`);
  }
}

export async function runCheckCommand(paths: string[], opts: CheckOptions, io: CheckIo): Promise<number> {
  let lessons: Lesson[];
  try {
    lessons = (await Promise.all(paths.map(lessonsAt))).flat();
    validateStep(lessons, opts.step);
    if (opts.ipynb !== undefined && lessons.length !== 1) {
      throw new UsageError(`--ipynb ${opts.ipynb}: a notebook holds one lesson, and ${lessons.length} were given`);
    }
  } catch (e: unknown) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`stepwise check: ${e.message}\n`);
    return EXIT_USAGE;
  }

  const dockerHost = dockerHostFromEnv(io.env);
  const preflight = new Preflight({ dockerHost, dockerHostFromEnv: Boolean(io.env.DOCKER_HOST), path: io.env.PATH ?? '' });
  const unmet = [
    ...(await preflight.backendUnmet(opts.backend)).map((u) => ({ lesson: `--backend ${opts.backend}`, ...u })),
    ...(await Promise.all(lessons.map(async (l) => (await preflight.lessonUnmet(l, opts.backend)).map((u) => ({ lesson: l.id, ...u }))))).flat(),
  ];
  if (unmet.length > 0) {
    for (const u of unmet) io.err(`stepwise check: ${u.lesson} requires ${u.requirement}: ${u.reason}\n`);
    return EXIT_USAGE;
  }

  const reporters: Reporter[] = [new ProgressReporter(io.err)];
  if (opts.tap) reporters.push(new TapReporter(io.out));
  if (opts.junit !== undefined) reporters.push(new JunitReporter(opts.junit));
  if (opts.ipynb !== undefined) reporters.push(new NotebookReporter(opts.ipynb));
  const reporter = fanOut(reporters);
  const backend = createBackend(opts.backend, { dockerHost });

  // Ctrl-C: destroy the live environment before leaving, so no shell or container outlives the command.
  let live: CheckSession | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    io.err(`stepwise check: ${signal}, cleaning up\n`);
    void (live?.dispose(opts.keep) ?? Promise.resolve()).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const runs: LessonRun[] = [];
  try {
    for (const lesson of lessons) {
      runs.push(await runLesson(lesson, { backend, timeoutMs: opts.timeoutMs, keep: opts.keep, ...(opts.step ? { step: opts.step } : {}), onSession: (s) => (live = s) }, reporter));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const summary = summarise(runs);
  await reporter.end(runs, summary);
  io.err(`${summaryLine(summary)}\n`);
  return summary.failed + summary.vacuous > 0 ? EXIT_FAILURE : EXIT_OK;
}
