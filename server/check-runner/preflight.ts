// Before anything runs: can this machine meet each lesson's `requires` on the chosen backend? Each unmet
// requirement comes with exactly what is missing. `stepwise check` exits 2 on any.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { BackendName } from '../terminal/backend.ts';
import { REFUSE_DOCKER_MESSAGE } from '../terminal/backends/docker.ts';
import { probeDockerHost } from '../terminal/docker-host.ts';
import type { Lesson } from '../lesson/model.ts';

export interface Unmet {
  requirement: string;
  reason: string;
}

export interface HostFacts {
  dockerHost: string;
  /** Whether DOCKER_HOST was set, or the default socket is assumed. */
  dockerHostFromEnv: boolean;
  path: string; // $PATH, to find the docker CLI
}

async function onPath(command: string, path: string): Promise<boolean> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    try {
      await access(join(dir, command), constants.X_OK);
      return true;
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
    }
  }
  return false;
}

/** probeDockerHost's reason names the address; this says where the address came from. */
function engineWords(problem: string, facts: HostFacts): string {
  return facts.dockerHostFromEnv ? `${problem} (from DOCKER_HOST)` : `${problem} (DOCKER_HOST is not set, so stepwise looked at the default socket)`;
}

/** Memoised per run: every lesson that needs the engine asks the same question. */
export class Preflight {
  private engineAnswer: Promise<string | null> | undefined;
  private cliAnswer: Promise<boolean> | undefined;

  constructor(private readonly facts: HostFacts) {}

  private engineProblem(): Promise<string | null> {
    this.engineAnswer ??= probeDockerHost(this.facts.dockerHost);
    return this.engineAnswer;
  }

  private hasDockerCli(): Promise<boolean> {
    this.cliAnswer ??= onPath('docker', this.facts.path);
    return this.cliAnswer;
  }

  /** What the backend itself needs: the docker backend runs learners in containers on the engine. */
  async backendUnmet(backend: BackendName): Promise<Unmet[]> {
    if (backend !== 'docker') return [];
    const problem = await this.engineProblem();
    return problem === null ? [] : [{ requirement: 'docker backend', reason: `it runs learners in containers and needs a Docker engine: ${engineWords(problem, this.facts)}` }];
  }

  async lessonUnmet(lesson: Lesson, backend: BackendName): Promise<Unmet[]> {
    const unmet: Unmet[] = [];
    for (const requirement of lesson.environment.requires) {
      if (requirement === 'docker') {
        if (backend === 'docker') {
          unmet.push({ requirement, reason: REFUSE_DOCKER_MESSAGE });
          continue;
        }
        const problem = await this.engineProblem();
        if (problem !== null) unmet.push({ requirement, reason: engineWords(problem, this.facts) });
        if (!(await this.hasDockerCli())) unmet.push({ requirement, reason: 'the docker command is not on PATH; the lesson types docker commands' });
      } else if (requirement !== 'network') {
        unmet.push({ requirement, reason: `stepwise does not know the requirement "${requirement}"` });
      }
    }
    return unmet;
  }
}
