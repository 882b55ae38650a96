// A session's environment from the lesson's point of view: made by the backend with the lesson's assets in it,
// and (on Reset) prepared by the lesson's `setup` commands.
import type { Logger } from 'pino';
import type { Backend, EnvironmentSpec, SessionEnv } from '../backend.ts';
import type { Lesson } from '../../lesson/model.ts';
import { SETUP_COMMAND_TIMEOUT_MS } from '../limits.ts';

/** Creates an environment named `envId` and copies the lesson's assets in. Nothing is left if it fails. */
export async function createEnvironment(backend: Backend, envId: string, lesson: Lesson): Promise<SessionEnv> {
  const spec: EnvironmentSpec = {
    sessionId: envId,
    lessonId: lesson.id,
    lessonDir: lesson.dir,
    requires: lesson.environment.requires,
    // A Katacoda backend.imageid names their VM image, not a shell image: only native lessons choose one.
    ...(lesson.environment.image && lesson.format === 'native' ? { image: lesson.environment.image } : {}),
  };
  const env = await backend.create(spec);
  try {
    for (const asset of lesson.assets) {
      await backend.copyIn(env, asset.file, asset.target);
      if (asset.chmod) await backend.exec(env, ['chmod', asset.chmod, asset.target], { timeoutMs: SETUP_COMMAND_TIMEOUT_MS });
    }
  } catch (e: unknown) {
    await backend.destroy(env);
    throw e;
  }
  return env;
}

/** Runs the lesson's setup commands through exec, in order. Returns why one failed, or null. */
export async function runSetup(backend: Backend, env: SessionEnv, lesson: Lesson, log: Logger): Promise<string | null> {
  for (const command of lesson.setup) {
    const result = await backend.exec(env, ['bash', '-c', command], { timeoutMs: SETUP_COMMAND_TIMEOUT_MS });
    if (result.exitCode !== 0) {
      const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join('\n');
      log.warn({ env: env.id, command, exitCode: result.exitCode }, 'lesson setup command failed');
      return `setup command "${command}" ${result.timedOut ? 'timed out' : `exited ${result.exitCode}`}${said ? `: ${said}` : ''}`;
    }
  }
  return null;
}
