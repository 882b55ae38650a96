// Which isolation level learners' own Docker engines run at, as a pure decision over what the probe found and
// what the operator allowed (DESIGN.md, Classes). Strongest first:
// - userns: the engine runs in a container of a dedicated dockerd started with --userns-remap, so "root" in the
//   learner's engine, and in every container it runs, is an unprivileged uid on the host.
// - privileged: the engine runs in a container with every capability; a learner who runs
//   `docker run --cap-add SYS_ADMIN -v /dev:/dev …` in it can become root on the host. Only with the flag.

export const ISOLATION_LEVELS = ['userns', 'privileged'] as const;
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

/** `--learner-engines`: `safe` (the default) uses only a level that keeps the host safe; `privileged` also
 * accepts the privileged level when no safe level works here. */
export const LEARNER_ENGINE_MODES = ['safe', 'privileged'] as const;
export type LearnerEnginesMode = (typeof LEARNER_ENGINE_MODES)[number];
export const DEFAULT_LEARNER_ENGINES_MODE: LearnerEnginesMode = 'safe';
export const LEARNER_ENGINES_FLAG = '--learner-engines';

/** Levels that keep the host safe from a learner who controls their engine. */
export const SAFE_LEVELS: readonly IsolationLevel[] = ['userns'];

/** What the probe found: null where the level works, else the reason it does not (the exact error). */
export type ProbeResult = Record<IsolationLevel, string | null>;

export type LevelDecision = { kind: 'level'; level: IsolationLevel; safe: boolean } | { kind: 'none'; reason: string };

export function isLearnerEnginesMode(value: string): value is LearnerEnginesMode {
  return (LEARNER_ENGINE_MODES as readonly string[]).includes(value);
}

/** The strongest level that works and that `mode` allows. */
export function chooseLevel(probe: ProbeResult, mode: LearnerEnginesMode): LevelDecision {
  for (const level of ISOLATION_LEVELS) {
    const safe = SAFE_LEVELS.includes(level);
    if (!safe && mode !== 'privileged') continue;
    if (probe[level] === null) return { kind: 'level', level, safe };
  }
  const tried = ISOLATION_LEVELS.filter((l) => mode === 'privileged' || SAFE_LEVELS.includes(l))
    .map((l) => `${l}: ${probe[l] ?? 'works'}`)
    .join('; ');
  if (mode !== 'privileged' && probe.privileged === null) {
    return {
      kind: 'none',
      reason:
        `no isolation level that keeps the host safe works on this machine (${tried}). ` +
        `Only a privileged engine container works, and a learner can turn it into root on the host: ` +
        `add ${LEARNER_ENGINES_FLAG} privileged (to serve or check) to accept that`,
    };
  }
  return { kind: 'none', reason: `no learner Docker engine works on this machine (${tried})` };
}

/** One line for the server's start-up output: the level in use and what it means. */
export function describeDecision(decision: LevelDecision): string {
  if (decision.kind === 'none') return `learner engines: none (Docker lessons are refused: ${decision.reason})`;
  switch (decision.level) {
    case 'userns':
      return "learner engines: userns (each learner's Docker engine runs under a remapped, unprivileged uid; it cannot give its user the host)";
    case 'privileged':
      return "learner engines: privileged (WARNING: each learner's Docker engine runs with every capability; a learner can become root on this host)";
  }
}

/** Null when a Docker lesson may run in a class under `decision`, else the error to give (it names the flag). */
export function dockerLessonRefusal(decision: LevelDecision): string | null {
  if (decision.kind === 'level') return null;
  return `this lesson needs a Docker engine of the learner's own, and ${decision.reason}`;
}
