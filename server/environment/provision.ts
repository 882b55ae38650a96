// Provisioning (DESIGN.md "Environments"): the one path from a lesson to an environment ready for its learner,
// used by live sessions and `stepwise check` alike, so a lesson behaves the same in the browser and in CI.
//   1. create: the provider makes the environment (its working directory) and the lesson's assets are copied in;
//   2. setup: the lesson's `setup` commands, through exec (check, and Reset in a live session);
//   3. scripts: Katacoda/Killercoda background scripts through exec (awaited, so the step starts in the state
//      they leave), and foreground scripts copied in and typed into the learner's first terminal.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { Lesson, Script } from '../lesson/index.ts';
import type { Environment } from './environment.ts';
import type { Provider } from './provider.ts';
import type { WarmKind } from './backend.ts';
import { runScriptInEnv } from './run-script.ts';
import { SETUP_COMMAND_TIMEOUT_MS } from './limits.ts';

/** Characters of a failing command's output quoted in its reason: enough to recognise, short enough to read. */
const MAX_QUOTED_OUTPUT_CHARS = 400;

/** One finished provisioning phase, for a progress report. */
export interface ProvisionPhase {
  phase: 'setup' | 'background' | 'foreground';
  detail: string; // the command, or the script's path
  ms: number;
  ok: boolean;
}

export type PhaseListener = (phase: ProvisionPhase) => void;

/** Runs a command in the learner's first terminal, as they would see it typed (foreground scripts). */
export type ForegroundRunner = (
  command: string,
  timeoutMs: number,
) => Promise<{ exitCode: number | null; output: string; timedOut: boolean }>;

/** The image a lesson's shell runs in, when it names one. */
function lessonImage(lesson: Lesson): string | undefined {
  // A Katacoda backend.imageid names their VM image, not a shell image: only native lessons choose one.
  return lesson.environment.image && lesson.format === 'native' ? lesson.environment.image : undefined;
}

/** What an environment made ahead of learners must be for this lesson to use it. */
export function warmKindOf(lesson: Lesson): WarmKind {
  const image = lessonImage(lesson);
  const requires = lesson.environment.requires;
  return { ...(image ? { image } : {}), network: requires.includes('network'), docker: requires.includes('docker') };
}

/**
 * Creates an environment named `id` with the lesson's assets in it. Nothing is left if it fails. `setupFollows`:
 * the caller runs the lesson's setup before opening terminals (Reset), so the first shell must start after it.
 */
export async function createLessonEnvironment(
  provider: Provider,
  id: string,
  lesson: Lesson,
  opts: { setupFollows?: boolean } = {},
): Promise<Environment> {
  const image = lessonImage(lesson);
  const env = await provider.create({
    sessionId: id,
    lessonId: lesson.id,
    lessonDir: lesson.dir,
    requires: lesson.environment.requires,
    ...(image ? { image } : {}),
    // A shell started before the lesson's files or setup would not see what they change at its start.
    freshShell: lesson.assets.length > 0 || (opts.setupFollows === true && lesson.setup.length > 0),
  });
  try {
    for (const asset of lesson.assets) {
      await env.copyIn(asset.file, asset.target);
      if (asset.chmod)
        await env.exec(['chmod', asset.chmod, '--', asset.target], { timeoutMs: SETUP_COMMAND_TIMEOUT_MS });
    }
  } catch (e: unknown) {
    await env.dispose();
    throw e;
  }
  return env;
}

/** Runs the lesson's setup commands through exec, in order. Returns why one failed, or null. */
export async function runSetup(
  env: Environment,
  lesson: Lesson,
  opts: { timeoutMs?: number; onPhase?: PhaseListener } = {},
): Promise<string | null> {
  for (const command of lesson.setup) {
    const t0 = performance.now();
    const r = await env.exec(['bash', '-c', command], { timeoutMs: opts.timeoutMs ?? SETUP_COMMAND_TIMEOUT_MS });
    const ok = r.exitCode === 0;
    opts.onPhase?.({ phase: 'setup', detail: command, ms: performance.now() - t0, ok });
    if (!ok) {
      const said = quoteTail(r.stderr || r.stdout);
      return `setup command "${command}" ${r.timedOut ? 'was still running at the timeout' : `exited ${r.exitCode}`}${said ? `: ${said}` : ''}`;
    }
  }
  return null;
}

/** Runs a page's background and foreground scripts in order (verify scripts are checks). Returns why one
 *  failed, or null. */
export async function runScripts(
  env: Environment,
  scripts: readonly Script[],
  opts: { timeoutMs: number; foreground: ForegroundRunner; onPhase?: PhaseListener },
): Promise<string | null> {
  for (const script of scripts) {
    if (script.kind === 'verify') continue;
    const name = `${script.kind} script ${script.source.file}:${script.source.line}`;
    if (!script.exists) return `the ${name} (${script.path}) is missing`;
    const t0 = performance.now();
    let failure: string | null = null;
    if (script.kind === 'background') {
      const run = await runScriptInEnv(env, script.path, opts.timeoutMs);
      if (run.timedOut) failure = `the ${name} was still running after the timeout`;
      else if (run.exitCode !== 0)
        failure = `the ${name} exited ${run.exitCode}: ${quoteTail(run.stderr || run.stdout)}`;
    } else {
      // Under /tmp, never the learner's directory: the learner's files are theirs alone.
      const copy = `/tmp/stepwise-foreground-${randomBytes(8).toString('hex')}/${basename(script.path)}`;
      await env.copyIn(script.path, copy);
      const run = await opts.foreground(`bash ${shellQuote(copy)}`, opts.timeoutMs);
      if (run.timedOut) failure = `the ${name} was still running after the timeout`;
      else if (run.exitCode !== 0)
        failure = `the ${name} exited ${run.exitCode ?? 'without a status'}: ${quoteTail(run.output)}`;
    }
    opts.onPhase?.({ phase: script.kind, detail: script.path, ms: performance.now() - t0, ok: failure === null });
    if (failure !== null) return failure;
  }
  return null;
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function quoteTail(text: string): string {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed.length > MAX_QUOTED_OUTPUT_CHARS ? `…${trimmed.slice(-MAX_QUOTED_OUTPUT_CHARS)}` : trimmed;
}
