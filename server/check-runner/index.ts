// `stepwise check PATH...` without the process around it: load the lessons, ask the provider about their
// requirements, run each in a fresh environment and report. Returns what happened; the CLI (server/cli/check.ts)
// turns that into an exit code and owns the signals. An abort (Ctrl-C) disposes of the live environment first,
// so no shell or container outlives the command.
import { stat } from 'node:fs/promises';
import { discoverLessons, isLessonError, loadLesson, type Lesson } from '../lesson/index.ts';
import {
  createProvider,
  dockerProviderWithEngines,
  type BackendName,
  type LearnerEnginesMode,
  type Provider,
} from '../environment/index.ts';
import type { CheckSession } from './check-session.ts';
import { runLesson } from './run-lesson.ts';
import { summarise, summaryLine, type LessonRun, type Summary } from './results.ts';
import { fanOut, type Reporter } from './reporters/reporter.ts';
import { ProgressReporter } from './reporters/progress.ts';
import { TapReporter } from './reporters/tap.ts';
import { JunitReporter } from './reporters/junit.ts';
import { NotebookReporter } from './reporters/notebook.ts';

export type { Summary } from './results.ts';

export interface CheckRunOptions {
  backend: BackendName;
  junit?: string;
  /** Write the run as a Jupyter notebook here (one lesson only). */
  ipynb?: string;
  tap: boolean;
  /** Steps 1..N-1 run without asserting, then step N. */
  step?: number;
  keep: boolean;
  /** Each cell, setup command and script (ms). */
  timeoutMs: number;
  /** docker backend: the isolation levels a Docker lesson's own engine may use (default: safe ones only). */
  learnerEngines?: LearnerEnginesMode;
}

export interface CheckIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export type CheckCommandResult =
  | { kind: 'usage' } // a path or an option does not fit the lessons; already said on err
  | { kind: 'unmet' } // a requirement this host cannot meet; already said on err
  | { kind: 'interrupted' } // aborted: the live environment is gone (or kept, with --keep)
  | { kind: 'done'; summary: Summary };

/** A path that is not a lesson, or --step beyond a lesson's steps. */
class LessonPathProblem extends Error {}

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
    throw new LessonPathProblem(e.message);
  }
}

function validateStep(lessons: readonly Lesson[], step: number | undefined): void {
  if (step === undefined) return;
  for (const lesson of lessons) {
    if (step > lesson.steps.length)
      throw new LessonPathProblem(
        `--step ${step}: ${lesson.id} has ${lesson.steps.length} step${lesson.steps.length === 1 ? '' : 's'}`,
      );
  }
}

export async function runCheckCommand(
  paths: string[],
  opts: CheckRunOptions,
  io: CheckIo,
  signal?: AbortSignal,
): Promise<CheckCommandResult> {
  let lessons: Lesson[];
  try {
    lessons = (await Promise.all(paths.map(lessonsAt))).flat();
    validateStep(lessons, opts.step);
    if (opts.ipynb !== undefined && lessons.length !== 1) {
      throw new LessonPathProblem(
        `--ipynb ${opts.ipynb}: a notebook holds one lesson, and ${lessons.length} were given`,
      );
    }
  } catch (e: unknown) {
    if (!(e instanceof LessonPathProblem)) throw e;
    io.err(`stepwise check: ${e.message}\n`);
    return { kind: 'usage' };
  }

  const { provider, dispose } = await providerFor(lessons, opts, io);
  try {
    return await checkWith(provider, lessons, opts, io, signal);
  } finally {
    await dispose();
  }
}

/**
 * The provider for this run. On the docker backend a Docker lesson runs against an engine of its own, as a class
 * learner's would (never the host's engine): the engines are set up only when a lesson needs one.
 */
async function providerFor(
  lessons: readonly Lesson[],
  opts: CheckRunOptions,
  io: CheckIo,
): Promise<{ provider: Provider; dispose: () => Promise<void> }> {
  const plain = { provider: createProvider(opts.backend, { env: io.env }), dispose: async () => undefined };
  const needsEngine = opts.backend === 'docker' && lessons.some((l) => l.environment.requires.includes('docker'));
  // An unreachable host engine is reported as an unmet requirement by the plain provider, in its own words.
  if (!needsEngine || (await plain.provider.providerUnmet()).length > 0) return plain;
  io.err('stepwise check: starting a Docker engine of their own for the Docker lessons...\n');
  try {
    const docker = await dockerProviderWithEngines({
      mode: opts.learnerEngines ?? 'safe',
      env: io.env,
      scope: `check-${process.pid}`,
    });
    io.err(`stepwise check: ${docker.decision}\n`);
    return docker;
  } catch (e: unknown) {
    // The plain docker provider then refuses the Docker lessons, as an unmet requirement that says why.
    io.err(`stepwise check: the learner engines could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    return plain;
  }
}

async function checkWith(
  provider: Provider,
  lessons: readonly Lesson[],
  opts: CheckRunOptions,
  io: CheckIo,
  signal: AbortSignal | undefined,
): Promise<CheckCommandResult> {
  const unmet = [
    ...(await provider.providerUnmet()).map((u) => ({ lesson: `--backend ${opts.backend}`, ...u })),
    ...(
      await Promise.all(
        lessons.map(async (l) => (await provider.unmet(l.environment)).map((u) => ({ lesson: l.id, ...u }))),
      )
    ).flat(),
  ];
  if (unmet.length > 0) {
    for (const u of unmet) io.err(`stepwise check: ${u.lesson} requires ${u.requirement}: ${u.reason}\n`);
    return { kind: 'unmet' };
  }

  const reporters: Reporter[] = [new ProgressReporter(io.err)];
  if (opts.tap) reporters.push(new TapReporter(io.out));
  if (opts.junit !== undefined) reporters.push(new JunitReporter(opts.junit));
  if (opts.ipynb !== undefined) reporters.push(new NotebookReporter(opts.ipynb));
  const reporter = fanOut(reporters);

  // An abort removes the live environment at once (its terminals close, so a running cell ends), then waits for
  // the lessons to wind down: runLesson starts no further step and awaits the same removal before it returns, and
  // an environment still being made when the signal came is removed by runLesson as soon as it exists.
  let live: CheckSession | null = null;
  const onAbort = (): void => void live?.dispose(opts.keep).catch(() => undefined); // runLesson reports a failure
  const work = async (): Promise<CheckCommandResult> => {
    const runs: LessonRun[] = [];
    for (const lesson of lessons) {
      if (signal?.aborted) return { kind: 'interrupted' };
      const lessonOpts = {
        provider,
        timeoutMs: opts.timeoutMs,
        keep: opts.keep,
        ...(opts.step ? { step: opts.step } : {}),
        ...(signal ? { signal } : {}),
        onSession: (s: CheckSession | null) => {
          live = s;
          if (s && signal?.aborted) onAbort(); // made while the abort was under way
        },
      };
      try {
        runs.push(await runLesson(lesson, lessonOpts, reporter));
      } catch (e: unknown) {
        // A check reading an environment that is being removed can fail in ways no lesson would: not a bug then.
        if (signal?.aborted) return { kind: 'interrupted' };
        throw e;
      }
      // An abort ends the lesson's steps at once (their terminals close), so its run looks failed: it was not.
      if (signal?.aborted) return { kind: 'interrupted' };
    }
    const summary = summarise(runs);
    await reporter.end(runs, summary);
    io.err(`${summaryLine(summary)}\n`);
    return { kind: 'done', summary };
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
export { escapeAttr, escapeText } from './reporters/xml.ts';
