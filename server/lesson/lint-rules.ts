// Lint rules beyond what loading finds: steps nothing checks, checks that cannot fail, scripts that are missing.
import { posix } from 'node:path';
import picomatch from 'picomatch';
import { resolveInside } from './lesson-paths.ts';
import type { Asset, CheckSpec, Lesson, Problem } from './model.ts';
import { ProblemList } from './problems.ts';

export async function lintRules(lesson: Lesson): Promise<Problem[]> {
  const problems = new ProblemList();
  for (const step of lesson.steps) {
    if (step.checks.length === 0) {
      problems.note(step.source, `step '${step.title}' has no checks: nothing confirms the learner did it`);
    }
    for (const check of step.checks) {
      const reason = cannotFail(check, lesson.assets);
      if (reason) problems.warning(check.source, `this ${check.kind} check cannot fail: ${reason}`);
      if (check.kind === 'script' && lesson.format === 'native') await checkScript(check, lesson.dir, problems);
    }
  }
  // A Katacoda loader says itself why a scenario has no steps (intro-only, no details, Jupyter, or an error).
  if (lesson.format === 'native' && lesson.steps.length === 0 && !lesson.problems.some((p) => p.severity === 'error')) {
    problems.error({ file: lesson.dir, line: 1 }, 'the lesson has no steps');
  }
  return problems.items;
}

/** Why a check passes whatever the learner does, or null when it can fail. */
function cannotFail(check: CheckSpec, assets: readonly Asset[]): string | null {
  const f = check.fields;
  switch (check.kind) {
    case 'file': {
      const existenceOnly = ['contains', 'matches', 'mode', 'type'].every((k) => f[k] === undefined);
      const wantsPresent = f.absent !== true && f.exists !== false;
      const shipped = existenceOnly && wantsPresent ? shippedAsset(check.target, assets) : null;
      return shipped ? `the lesson ships '${shipped}' as an asset, so it exists from the start` : null;
    }
    case 'tar':
    case 'image': {
      const unconditioned = Object.keys(f).length === 0;
      const shipped = unconditioned ? shippedAsset(check.target, assets) : null;
      return shipped ? `it only asks that '${shipped}' exists, and the lesson ships it as an asset` : null;
    }
    case 'command': {
      const trivial = ['true', ':', 'exit 0'].includes(check.target.trim());
      const conditioned = f.stdout !== undefined || f.stderr !== undefined || (f.exit !== undefined && f.exit !== 0);
      return trivial && !conditioned ? `'${check.target}' always succeeds` : null;
    }
    case 'output':
      return ['contains', 'matches', 'exit'].every((k) => f[k] === undefined)
        ? 'it names no contains, matches or exit, so any output passes'
        : null;
    case 'script':
      return null;
  }
}

function shippedAsset(target: string, assets: readonly Asset[]): string | null {
  const wanted = normalise(target);
  const isMatch = picomatch(wanted, { dot: true });
  const hit = assets.find((a) => {
    const shipped = normalise(a.target);
    return shipped === wanted || isMatch(shipped);
  });
  return hit ? normalise(hit.target) : null;
}

function normalise(path: string): string {
  return posix.normalize(path).replace(/^\.\//, '').replace(/\/$/, '');
}

async function checkScript(check: CheckSpec, dir: string, problems: ProblemList): Promise<void> {
  const resolved = await resolveInside(dir, check.target);
  if (!resolved.ok) problems.error(check.source, `script ${resolved.reason}`);
  else if (!resolved.exists)
    problems.warning(check.source, `script '${check.target}' is missing from the lesson folder`);
}
