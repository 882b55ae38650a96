// The vocabulary of a lesson's `environment.requires` and `environment.backend`, and the one wording of each
// rule that needs no host to decide. Lint reports these; server/environment/requirements.ts adds what only
// the host can answer (is there an engine, is the docker CLI on PATH) and words it from here.

/** Requirements stepwise knows how to provide or check. `network` is always met: local shells share the
 *  host's network, and the docker provider grants it per lesson. */
export const KNOWN_REQUIREMENTS: readonly string[] = ['docker', 'network'];

/** Why the docker provider refuses a lesson that requires docker. */
export const REFUSE_DOCKER_MESSAGE =
  'the docker backend cannot run lessons that require Docker: an engine inside a container needs privileges; use --backend local';

export function unknownRequirementMessage(requirement: string): string {
  return `stepwise does not know the requirement "${requirement}"; it knows ${KNOWN_REQUIREMENTS.join(', ')}`;
}

/** The lesson asks for one provider and the server runs another. */
export function wrongBackendMessage(wanted: string, running: string): string {
  return `the lesson wants the ${wanted} backend; this one runs ${running} (use --backend ${wanted})`;
}

export interface RequirementProblem {
  /** What the problem is about: the `backend` key, or the index in `requires`. */
  at: 'backend' | number;
  message: string;
}

/** The rules that need no host: unknown requirements, and the docker backend with `requires: [docker]`. */
export function staticRequirementProblems(environment: {
  backend?: string;
  requires: readonly string[];
}): RequirementProblem[] {
  const problems: RequirementProblem[] = [];
  environment.requires.forEach((requirement, i) => {
    if (!KNOWN_REQUIREMENTS.includes(requirement))
      problems.push({ at: i, message: unknownRequirementMessage(requirement) });
  });
  if (environment.backend === 'docker' && environment.requires.includes('docker')) {
    problems.push({ at: 'backend', message: REFUSE_DOCKER_MESSAGE });
  }
  return problems;
}
